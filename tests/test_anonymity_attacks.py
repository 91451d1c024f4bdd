"""Attacks on pulse anonymity, played through the real pages, exports and API.

The attacker is an insider (a consultant or an executive of the organisation)
who saves every page, export and API answer after every single submission,
compares them, moves and removes teams, and knows who has not answered yet.
Nothing they can see may give away an answer or a figure of fewer than
``STEPWISE_MIN_GROUP_SIZE`` people (5 here), nor a comment of a group under
the comment threshold (10 here).

The organisation under attack: Sales (asked only through its sub-teams) with
North (6 answer) and the small Ops (4 answer, all very low: any figure of Ops
would stand out), and Service (7 answer) at the top level. Published, the plan
shows everyone (17), Sales (10) and Service (7); North is hidden to protect Ops.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.services import metrics
from app.services.results import publication
from app.services.results.publication import PUBLISH_GRACE
from models import Campaign, Observation, Response, Survey, Team, User, db
from models.base import utcnow
from tests import builders
from tests.builders import api_headers, make_campaign, make_personal_link, make_survey, team_code
from tests.conftest import World
from tests.results_checks import atoms_are_safe, chart_specs, csv_rows, derivable, subtree

MIN_SIZE = 5
COMMENT_MIN = 10
DIMENSIONS = ["kotter_urgency", "resistance_unknown", "adkar_awareness", "recommend", "comment"]
SCORED = {
    "kotter_urgency": ("kotter_urgency_1",),
    "resistance_unknown": ("resistance_unknown_1", "resistance_unknown_2"),
    "adkar_awareness": ("adkar_awareness_1",),
}
REVERSED = {"resistance_unknown_2"}
ITEMS = [key for keys in SCORED.values() for key in keys] + ["recommend"]
HEADCOUNTS = {"North": 8, "Ops": 5, "Service": 9}


@dataclass(frozen=True)
class Person:
    """One respondent: a raw value per item, a comment, and the team they answer as."""

    team: str
    values: tuple[int, ...]  # in ITEMS order, raw (as answered)
    comment: str = ""

    @property
    def answers(self) -> dict[str, int]:
        return dict(zip(ITEMS, self.values, strict=True))

    def form(self) -> dict[str, str]:
        data = {f"item-{key}": str(value) for key, value in self.answers.items()}
        return {**data, "comment": self.comment}


def _person(team: str, urgency: int, unknown: int, awareness: int, rec: int, note: str) -> Person:
    # resistance_unknown_2 is reverse-worded: answered as 6 - unknown, both statements agree.
    return Person(team, (urgency, unknown, 6 - unknown, awareness, rec), note)


# Ops answers 1s and 2s (urgency mean 1.25, awareness 1.5): figures nobody else has.
OPS = [
    _person("Ops", 1, 5, 1, 0, "ops secret 1"),
    _person("Ops", 2, 5, 2, 1, "ops secret 2"),
    _person("Ops", 1, 4, 1, 0, "ops secret 3"),
    _person("Ops", 1, 5, 2, 2, "ops secret 4"),
]
NORTH = [
    _person("North", 4, 2, 4, 9, "north note 1"),
    _person("North", 5, 1, 4, 10, ""),
    _person("North", 4, 2, 5, 8, "north note 3"),
    _person("North", 3, 3, 4, 9, ""),
    _person("North", 4, 2, 3, 7, "north note 5"),
    _person("North", 5, 1, 5, 10, ""),
]
SERVICE = [
    _person("Service", 3, 3, 3, 6, "service note 1"),
    _person("Service", 4, 2, 3, 8, ""),
    _person("Service", 2, 4, 4, 5, "service note 3"),
    _person("Service", 3, 2, 3, 9, ""),
    _person("Service", 4, 3, 2, 7, "service note 5"),
    _person("Service", 3, 3, 4, 6, ""),
    _person("Service", 5, 2, 3, 10, "service note 7"),
]
# Interleaved, so every team's participation moves at a different moment.
ORDER = [
    OPS[0], NORTH[0], SERVICE[0], OPS[1], NORTH[1], SERVICE[1], NORTH[2], OPS[2], SERVICE[2],
    NORTH[3], SERVICE[3], OPS[3], NORTH[4], SERVICE[4], NORTH[5], SERVICE[5], SERVICE[6],
]  # fmt: skip


# Watched one at a time: Sales' big North (6) and small Ops (4), and two of Service.
WATCHED = [
    OPS[0], NORTH[0], OPS[1], NORTH[1], NORTH[2], OPS[2],
    SERVICE[0], NORTH[3], OPS[3], NORTH[4], SERVICE[1], NORTH[5],
]  # fmt: skip


# --- the scene ------------------------------------------------------------------------------


def logged_in(client: FlaskClient, user: User) -> FlaskClient:
    builders.login(client, user)
    client.get("/")  # spend the login's flash message
    return client


@dataclass
class Scene:
    world: World
    survey: Survey
    teams: dict[str, Team]
    campaigns: list[Campaign]
    staff: FlaskClient  # a phone, not logged in
    clients: dict[str, FlaskClient]  # role -> logged-in browser
    tokens: dict[str, dict[str, str]]  # role -> API headers
    sent: list[Person] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)  # kept when a team is deleted

    def __post_init__(self) -> None:
        self.ids = {name: team.id for name, team in self.teams.items()}

    @property
    def campaign(self) -> Campaign:
        return self.campaigns[-1]

    def team_id(self, name: str) -> int:
        return self.ids[name]

    def code(self, name: str) -> str:
        return team_code(self.survey, self.teams[name])

    def submit(self, person: Person, code: str | None = None) -> None:
        """One staff member answers through the team link (or ``code``), as from a phone."""
        response = self.staff.post(f"/p/{code or self.code(person.team)}", data=person.form())
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self.sent.append(person)

    def new_campaign(self, opens_at: datetime | None = None) -> Campaign:
        headcounts = {self.teams[name]: n for name, n in HEADCOUNTS.items()}
        campaign = make_campaign(self.survey, headcounts, opens_at)
        self.campaigns.append(campaign)
        return campaign

    def close_and_publish(self, campaign: Campaign | None = None) -> None:
        """The consultant closes early on the page; the tick publishes after the grace."""
        campaign = campaign or self.campaign
        consultant = self.clients["consultant"]
        assert consultant.post(f"/campaigns/{campaign.id}/close").status_code == 302
        consultant.get("/")  # spend the "closed" flash message
        db.session.expire_all()
        closed_at = db.session.get_one(Campaign, campaign.id).closes_at
        assert publication.publish_due(closed_at + PUBLISH_GRACE - timedelta(seconds=1)) == []
        (done,) = publication.publish_due(closed_at + PUBLISH_GRACE)
        assert done.campaign_id == campaign.id
        db.session.expire_all()


@pytest.fixture
def scene(make_app: Any, world: World) -> Scene:
    o = world.organization
    sales = builders.make_team(o, "Sales", headcount=0)
    teams = {
        "Sales": sales,
        "North": builders.make_team(o, "North", parent_id=sales.id, headcount=8),
        "Ops": builders.make_team(o, "Ops", parent_id=sales.id, headcount=5),
        "Service": builders.make_team(o, "Service", headcount=9),
    }
    db.session.commit()
    survey = make_survey(world.initiative, DIMENSIONS)
    # A second app whose requests each get their own app context: in the test's own
    # context flask-login's cached user would be shared between the browsers.
    web = make_app()
    clients = {
        "consultant": logged_in(web.test_client(), world.consultant),
        "executive": logged_in(web.test_client(), world.executive),
    }
    tokens = {
        "consultant": api_headers(world.consultant),
        "executive": api_headers(world.executive),
    }
    found = Scene(world, survey, teams, [], web.test_client(), clients, tokens)
    found.new_campaign(utcnow() - timedelta(days=1))
    return found


# --- saving everything --------------------------------------------------------------------


CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')
MAIN = re.compile(r"<main\b.*?</main>", re.S)


def _as_text(response: Any, path: str) -> str:
    if response.status_code != 200:
        return f"HTTP {response.status_code} {response.headers.get('Location', '')}"
    if path.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(response.get_data()))
        return "\n".join(
            f"{sheet.title}: " + "\t".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if response.is_json:
        return json.dumps(response.json, sort_keys=True)
    text = response.get_data(as_text=True)
    if response.mimetype == "text/html":
        found = MAIN.search(text)
        text = CSRF.sub(r'\1TOKEN"', found.group(0) if found else text)
    return text


def outputs(scene: Scene, *, every_campaign: bool = True) -> dict[str, tuple[str, bool]]:
    """Every output that carries pulse data: name -> (path, through the API).

    Each team's page comes for each campaign, or (``every_campaign`` false, to keep
    watching quick) for the newest only; the default page of a team shows the newest
    published campaign where it may be shown.
    """
    survey, initiative = scene.survey.id, scene.world.initiative.id
    pages: dict[str, tuple[str, bool]] = {
        "results": (f"/surveys/{survey}/results", False),
        "results.csv": (f"/surveys/{survey}/results.csv", False),
        "answers.csv": (f"/surveys/{survey}/answers.csv", False),
        "survey list": (f"/initiatives/{initiative}/surveys", False),
        "dashboard": (f"/initiatives/{initiative}/dashboard", False),
        "consultant view": (f"/initiatives/{initiative}/dashboard/consultant", False),
        "summary": (f"/initiatives/{initiative}/dashboard/summary", False),
        "findings.csv": (f"/initiatives/{initiative}/dashboard/findings.csv", False),
        "findings.xlsx": (f"/initiatives/{initiative}/dashboard/findings.xlsx", False),
        "API results": (f"/api/v1/surveys/{survey}/results", True),
        "API surveys": (f"/api/v1/initiatives/{initiative}/surveys", True),
        "API diagnosis": (f"/api/v1/initiatives/{initiative}/diagnosis", True),
    }
    for campaign in scene.campaigns:
        c = campaign.id
        pages[f"campaign {c} page"] = (f"/campaigns/{c}", False)
        pages[f"results c{c}"] = (f"/surveys/{survey}/results?campaign={c}", False)
        pages[f"results.csv c{c}"] = (f"/surveys/{survey}/results.csv?campaign={c}", False)
        pages[f"answers.csv c{c}"] = (f"/surveys/{survey}/answers.csv?campaign={c}", False)
        pages[f"API results c{c}"] = (f"/api/v1/surveys/{survey}/results?campaign={c}", True)
    for name in scene.teams:
        t = scene.team_id(name)
        pages[f"results {name}"] = (f"/surveys/{survey}/results?team={t}", False)
        for campaign in scene.campaigns if every_campaign else scene.campaigns[-1:]:
            c = campaign.id
            pages[f"results {name} c{c}"] = (
                f"/surveys/{survey}/results?campaign={c}&team={t}",
                False,
            )
        pages[f"results.csv {name}"] = (f"/surveys/{survey}/results.csv?team={t}", False)
        pages[f"API results {name}"] = (f"/api/v1/surveys/{survey}/results?team={t}", True)
    return pages


def snapshot(
    client: FlaskClient, headers: dict[str, str], scene: Scene, *, every_campaign: bool = True
) -> dict[str, str]:
    """Every page, export and API answer with pulse data, as one role sees it, as text."""
    shots = {}
    for name, (path, api) in outputs(scene, every_campaign=every_campaign).items():
        response = client.get(path, headers=headers if api else None)
        assert response.status_code in (200, 403, 404), (name, response.status_code)
        shots[name] = _as_text(response, path)
    return shots


def snapshots(scene: Scene, *, every_campaign: bool = True) -> dict[str, str]:
    """What the consultant and the executive see, by "role: output"."""
    return {
        f"{role}: {name}": shot
        for role, client in scene.clients.items()
        for name, shot in snapshot(
            client, scene.tokens[role], scene, every_campaign=every_campaign
        ).items()
    }


# --- participation, the one thing allowed to move while a campaign is open -------------------


RATE_SO_FAR = re.compile(r"\d+% answered so far")
FEWER_SO_FAR = re.compile(r"fewer than \d+ responses so far")
BAND = re.compile(r"(?i)(under 30%|30–60%|over 60%)( answered so far|</td>)")
OVERALL = re.compile(r"(<dt>Overall response rate</dt><dd>)([^<]*)(</dd>)")


def participation_free(text: str) -> str:
    """``text`` with participation words (overall rate, team bands) replaced by placeholders."""
    text = BAND.sub(r"BAND\2", text)
    text = RATE_SO_FAR.sub("PROGRESS", FEWER_SO_FAR.sub("PROGRESS", text))
    return OVERALL.sub(r"\1RATE\3", text)


def overall_rates(shots: Mapping[str, str]) -> set[str]:
    return {m.group(2) for shot in shots.values() for m in OVERALL.finditer(shot)}


# --- recounting from the answers sent -----------------------------------------------------


def recount(people: Sequence[Person]) -> dict[str, Any]:
    """Responses, each dimension's mean and % favourable (after recoding), and eNPS."""
    figures: dict[str, Any] = {"responses": len(people)}
    for dimension, keys in SCORED.items():
        scores = [
            6 - p.answers[key] if key in REVERSED else p.answers[key]
            for p in people
            for key in keys
        ]
        figures[dimension] = (
            round(sum(scores) / len(scores), 2),
            round(100 * sum(s >= 4 for s in scores) / len(scores), 1),
        )
    recommend = [p.answers["recommend"] for p in people]
    promoters, detractors = sum(r >= 9 for r in recommend), sum(r <= 6 for r in recommend)
    figures["enps"] = round(100 * (promoters - detractors) / len(recommend), 1)
    return figures


def exact_means(people: Sequence[Person]) -> list[float]:
    """Each dimension's mean after recoding, unrounded, in ``SCORED`` order."""
    means = []
    for keys in SCORED.values():
        scores = [6 - p.answers[k] if k in REVERSED else p.answers[k] for p in people for k in keys]
        means.append(sum(scores) / len(scores))
    return means


def api_figures(group: Mapping[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = {"responses": group["responses"], "enps": group["enps"]}
    for dimension in group["dimensions"]:
        figures[dimension["key"]] = (dimension["mean"], dimension["favourable"])
    return figures


MEMBERS = {"Sales": ("North", "Ops"), "North": ("North",), "Ops": ("Ops",), "Service": ("Service",)}


def people_of(people: Iterable[Person], name: str | None) -> list[Person]:
    if name is None:
        return list(people)
    return [p for p in people if p.team in MEMBERS[name]]


def api_groups(scene: Scene, query: str = "", role: str = "executive") -> list[dict[str, Any]]:
    response = scene.staff.get(
        f"/api/v1/surveys/{scene.survey.id}/results{query}", headers=scene.tokens[role]
    )
    assert response.status_code == 200
    return response.json["groups"]  # type: ignore[index, no-any-return]


def answer_rows(body: str) -> Counter[tuple[str, ...]]:
    """A raw export as a multiset of rows, without the renumbered response column."""
    return Counter(
        tuple(value for key, value in row.items() if key != "response") for row in csv_rows(body)
    )


def stable(shots: Mapping[str, str]) -> dict[str, str]:
    """Snapshots comparable over time: raw exports as multisets (their order is random)."""
    return {
        name: repr(sorted(answer_rows(shot).items()))
        if "answers.csv" in name and not shot.startswith("HTTP")
        else shot
        for name, shot in shots.items()
    }


def figures_of(shots: Mapping[str, str]) -> dict[str, str]:
    """The outputs that carry published figures (not the campaign and team pages)."""
    return {
        name: shot
        for name, shot in shots.items()
        if re.search(r"results|answers\.csv|dashboard|consultant view|summary|findings|API", name)
    }


def shows(text: str, figure: str) -> bool:
    """Whether ``text`` prints ``figure`` as a number of its own (3.25, not 10:23:03.2541)."""
    return re.search(rf"(?<![\d.:]){re.escape(figure)}(?!\d)", text) is not None


def figure_strings(figures: Mapping[str, Any]) -> set[str]:
    """How a group's means would be printed (2 decimals): the distinctive part of a figure."""
    return {f"{figures[d][0]:.2f}" for d in SCORED}


SECRETS = ("ops secret", "north note", "service note")


@pytest.fixture
def published(scene: Scene) -> Scene:
    """Everyone of ``ORDER`` answered campaign 1, which is closed and published."""
    for person in ORDER:
        scene.submit(person)
    scene.close_and_publish()
    return scene


# --- 1. watching every output while a campaign is open ----------------------------------------


@pytest.mark.parametrize("earlier", [False, True], ids=["first-campaign", "after-a-published-one"])
def test_watching_every_output_after_each_answer_shows_only_participation(
    scene: Scene, earlier: bool
) -> None:
    if earlier:  # a published campaign, with trends, stays exactly what it was
        for person in ORDER:
            scene.submit(person)
        scene.close_and_publish()
        scene.sent.clear()
        scene.new_campaign(utcnow() - timedelta(hours=1))
    first = {
        name: participation_free(shot)
        for name, shot in stable(snapshots(scene, every_campaign=False)).items()
    }
    headcount = sum(HEADCOUNTS.values())
    # Ops' means as they would be printed (none of them is a figure of a group shown).
    shown_before = [ORDER, NORTH + OPS, SERVICE] if earlier else []
    ops_figures = figure_strings(recount(OPS)) - {
        figure for people in shown_before for figure in figure_strings(recount(people))
    }
    assert ops_figures
    # Everyone writes a comment this time, each one recognisable.
    for number, person in enumerate(WATCHED, start=1):
        scene.submit(replace(person, comment=f"whisper {number}"))
        shots = stable(snapshots(scene, every_campaign=False))
        answered = len(scene.sent)
        for name, shot in shots.items():
            assert participation_free(shot) == first[name], (
                f"{name} changed after answer {answered} in more than participation"
            )
            assert "whisper" not in shot, (name, answered)
            assert not any(figure in shot for figure in ops_figures), (name, answered)
        # The overall rate only from N answers on; before that, no count at all.
        expected = (
            f"{round(100 * answered / headcount)}%"
            if answered >= MIN_SIZE
            else f"fewer than {MIN_SIZE} answers so far"
        )
        assert overall_rates(shots) == {expected}, answered
        for name in ("consultant: survey list", "executive: survey list"):
            progress = set(RATE_SO_FAR.findall(shots[name]) + FEWER_SO_FAR.findall(shots[name]))
            so_far = (
                f"{round(100 * answered / headcount)}% answered so far"
                if answered >= MIN_SIZE
                else f"fewer than {MIN_SIZE} responses so far"
            )
            assert progress == {so_far}, (name, answered)
        # Per team only a band, never a count.
        page = shots[f"consultant: campaign {scene.campaign.id} page"]
        lines = re.findall(r'<p class="muted">([^<]*) · \d+ people asked', page)
        assert len(lines) == 3 and all(BAND.search(f"{line}") for line in lines), lines
    # Nothing of the open campaign in any figure: no group, no row, no comment.
    c = scene.campaign.id
    for role in ("consultant", "executive"):
        assert api_groups(scene, f"?campaign={c}", role) == []
        assert (
            csv_rows(
                scene.clients[role]
                .get(f"/surveys/{scene.survey.id}/results.csv?campaign={c}")
                .get_data(as_text=True)
            )
            == []
        )
    raw = scene.clients["consultant"].get(f"/surveys/{scene.survey.id}/answers.csv?campaign={c}")
    assert csv_rows(raw.get_data(as_text=True)) == []


# --- published: right for the groups shown, nothing of the groups hidden ----------------------


PARENTS: dict[str, str | None] = {"Sales": None, "North": "Sales", "Ops": "Sales", "Service": None}


def test_published_figures_equal_a_recount_and_nothing_hidden_shows_anywhere(
    published: Scene,
) -> None:
    scene = published
    by_team = {g["team_id"]: g for g in api_groups(scene)}
    name_of = {scene.team_id(name): name for name in scene.teams} | {None: None}
    assert {name_of[t]: g["status"] for t, g in by_team.items()} == {
        None: "shown",
        "Sales": "shown",
        "Service": "shown",
        "North": "protecting",
        "Ops": "too_few",
    }
    for team_id, group in by_team.items():
        name = name_of[team_id]
        if group["suppressed"]:
            assert group["responses"] is group["dimensions"] is group["enps"] is None
            assert group["response_rate"] is None
        else:  # positive control: the figures are the answers sent, recounted by hand
            assert api_figures(group) == recount(people_of(scene.sent, name)), name

    # No hidden count follows from the shown counts by adding and subtracting.
    respondents = {
        name: len(people_of(scene.sent, name)) if name != "Sales" else 0 for name in PARENTS
    }
    visible = [set(PARENTS)] + [
        subtree(name_of[t], PARENTS) for t, g in by_team.items() if t and not g["suppressed"]
    ]
    for hidden in ("North", "Ops"):
        assert not derivable({hidden}, visible, respondents), hidden
    assert atoms_are_safe(visible, respondents, MIN_SIZE)

    # Every output, for both roles: no hidden group's figure, no hidden count.
    shots = snapshots(scene)
    shown = set().union(
        *(figure_strings(recount(people_of(scene.sent, n))) for n in (None, "Sales", "Service"))
    )
    hidden = {
        figure
        for name in ("North", "Ops")
        for figure in figure_strings(recount(people_of(scene.sent, name)))
    } - shown
    assert hidden  # Ops' 1.25 at least
    for name, shot in shots.items():
        for figure in hidden:
            assert not shows(shot, figure), (name, figure)
    for role in ("consultant", "executive"):
        campaign_page = shots[f"{role}: campaign {scene.campaign.id} page"]
        lines = dict(re.findall(r"<h3>([^<]*)</h3>\s*<p class=\"muted\">([^<]*) · ", campaign_page))
        assert lines == {
            "North": "Hidden so that a smaller group cannot be worked out",
            "Ops": "Fewer than 5 responses",
            "Service": "7 responses (with sub-teams)",
        }
        assert "17 responses" in shots[f"{role}: survey list"]
        for line in csv_rows(shots[f"{role}: results.csv"]):
            if line["team"] in ("North", "Ops"):
                assert line["responses"] == line["response_rate"] == line["enps"] == ""
                assert all(line[k] == "" for k in line if k.endswith(("_mean", "_favourable")))
        results = shots[f"{role}: results"]
        team_pages = [shots[f"{role}: results {n}"] for n in scene.teams]
        for hidden_team in ("North", "Ops"):
            # A sub-team is listed on its parent's view, with a link to its own.
            rows = [
                row
                for page in [results, *team_pages]
                for row in re.findall(
                    rf'rs-row-hidden">\s*<th scope="row"><a[^>]*>{hidden_team}</a></th>(.*?)</tr>',
                    page,
                    re.S,
                )
            ]
            assert rows, hidden_team
            for row in rows:
                # The only number in the row is how many were asked.
                cells = re.findall(r'<td class="num">([^<]*)</td>', row)
                assert cells == [str(HEADCOUNTS[hidden_team])], (hidden_team, cells)
        for page in [results, *team_pages]:
            for spec in chart_specs(page):
                trace = spec["data"][0]
                if trace["type"] != "heatmap":
                    continue
                for label, z in zip(trace["y"], trace["z"], strict=True):
                    if label.endswith(("North", "Ops")):
                        assert all(v is None for v in z), label
    # Filters only choose among the same groups, whoever asks and however.
    for query in [f"?team={scene.team_id(n)}" for n in scene.teams] + [
        f"?campaign={scene.campaign.id}"
    ]:
        for group in api_groups(scene, query, "consultant"):
            assert group == by_team[group["team_id"]], query

    # Comments: only everyone's (17); Sales has 10, but Service's 7 would follow from them.
    whole = shots["executive: results"]
    assert all(p.comment in whole for p in scene.sent if p.comment)
    for name in scene.teams:
        page = shots[f"executive: results {name}"]
        assert not any(secret in page for secret in SECRETS), name
    assert (
        f"Comments are shown only for groups of at least {COMMENT_MIN}"
        in (shots["executive: results Sales"])
    )
    assert not any(secret in shots["consultant: answers.csv"] for secret in SECRETS)


# --- 2. moving and renaming a team after publication ------------------------------------------


def test_moving_and_renaming_a_team_after_publication_changes_no_published_figure(
    published: Scene,
) -> None:
    scene = published
    before = figures_of(stable(snapshots(scene)))
    consultant = scene.clients["consultant"]
    ops, service = scene.teams["Ops"], scene.teams["Service"]
    response = consultant.post(
        f"/teams/{ops.id}/edit",
        data={"name": "Ops moved", "headcount": "5", "parent_id": str(service.id)},
    )
    assert response.status_code == 302
    consultant.get("/")  # spend the "saved" flash message
    db.session.expire_all()
    assert (ops.name, ops.parent_id) == ("Ops moved", service.id)
    after = figures_of(stable(snapshots(scene)))
    for name, shot in before.items():
        assert after[name] == shot, f"{name} changed when Ops moved under Service"

    # A later campaign asks the new tree: Service with Ops (11), Sales is North alone (6).
    second = scene.new_campaign(utcnow() - timedelta(hours=1))
    scene.sent.clear()
    for person in NORTH + OPS + SERVICE:
        scene.submit(person)
    scene.close_and_publish(second)
    first = scene.campaigns[0].id
    now = figures_of(stable(snapshots(scene)))
    assert now.keys() >= before.keys()
    for name in (f"executive: API results c{first}", f"consultant: results.csv c{first}"):
        assert now[name] == before[name], name
    assert now[f"consultant: answers.csv c{first}"] == before[f"consultant: answers.csv c{first}"]
    groups = {g["team_id"]: g for g in api_groups(scene, f"?campaign={second.id}")}
    assert groups[service.id]["responses"] == 11 and groups[service.id]["name"] == "Service"
    assert groups[ops.id]["suppressed"] and groups[ops.id]["name"] == "Ops moved"
    assert api_figures(groups[scene.team_id("Sales")]) == recount(NORTH)
    old = {g["team_id"]: g for g in api_groups(scene, f"?campaign={first}")}
    assert old[ops.id]["name"] == "Ops" and old[ops.id]["suppressed"]
    assert api_figures(old[scene.team_id("Sales")]) == recount(NORTH + OPS)


# --- 3 and 5. personal links, and the order of the raw export -----------------------------------


DAY_OR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|\d{1,2}/\d{1,2}/\d{2,4}")


def test_personal_links_while_open_and_the_raw_export_after_the_close(scene: Scene) -> None:
    # Thirteen people with personal links, each answering something nobody else does.
    people = [
        Person(team, (1 + i % 5, 1 + i // 5, 5 - i // 5, 1 + (i * 3) % 5, i % 11), "")
        for i, team in enumerate(["North"] * 6 + ["Service"] * 7)
    ]
    assert len({p.values for p in people}) == len(people)
    emails = [f"person{i}@acme.example" for i in range(len(people))]
    codes = [
        make_personal_link(scene.campaign, scene.teams[p.team], email)
        for p, email in zip(people, emails, strict=True)
    ]
    consultant, executive = scene.clients["consultant"], scene.clients["executive"]
    unused = f"/campaigns/{scene.campaign.id}/personal-links.csv"
    raw = f"/surveys/{scene.survey.id}/answers.csv"
    assert executive.get(unused).status_code == 403
    assert executive.get(raw).status_code == 403
    waiting = set(emails)
    for person, email, code in zip(people, emails, codes, strict=True):
        scene.submit(person, code)
        waiting.discard(email)
        listed = {row["email"] for row in csv_rows(consultant.get(unused).get_data(as_text=True))}
        assert listed == waiting
        # While open, the raw export has no row of the campaign, however it is asked for.
        for query in ("", f"?campaign={scene.campaign.id}"):
            assert csv_rows(consultant.get(raw + query).get_data(as_text=True)) == []
    assert scene.staff.post(f"/p/{codes[0]}", data=people[0].form()).status_code == 410

    scene.close_and_publish()
    # After the close the list of unused links is gone: it would only say who answered.
    response = consultant.get(unused)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/campaigns/{scene.campaign.id}")
    page = consultant.get(response.headers["Location"]).get_data(as_text=True)
    assert "The campaign has closed: there is nobody left to remind." in page
    assert "personal-links.csv" not in page

    sent = [p.values for p in people]
    orders = []
    for _ in range(6):
        body = consultant.get(raw).get_data(as_text=True)
        rows = csv_rows(body)
        header = body.splitlines()[0].split(",")
        assert header == ["response", "campaign", "team", *ITEMS, "comment"]
        assert [r["response"] for r in rows] == [str(i) for i in range(1, len(people) + 1)]
        for row in rows:
            assert not any(DAY_OR_TIME.search(cell) for cell in row.values()), row
        order = [tuple(int(r[key]) for key in ITEMS) for r in rows]
        assert sorted(order) == sorted(sent)  # every answer, as answered
        assert order != sent and order != sent[::-1]  # never in the order they came in
        orders.append(tuple(order))
    assert len(set(orders)) > 1, "the raw export comes in the same order every time"
    # Labels: North (Sales' only respondents) and Service are both shown, so rows say which.
    teams = Counter(r["team"] for r in csv_rows(consultant.get(raw).get_data(as_text=True)))
    assert teams == {"North": 6, "Service": 7}


# --- 4. response counts, and comments, of groups too small ---------------------------------------


def test_small_campaigns_show_no_count_and_no_comment_anywhere(published: Scene) -> None:
    scene = published
    # Three people answer altogether: nothing, not even everyone's count.
    tiny = scene.new_campaign(utcnow() - timedelta(days=1))
    for person in SERVICE[:3]:
        scene.submit(person)
    scene.close_and_publish(tiny)
    # Nine people: figures for everyone, but comments need ten.
    nine = scene.new_campaign(utcnow() - timedelta(hours=2))
    scene.sent.clear()
    for person in SERVICE + NORTH[:2]:
        scene.submit(person)
    assert len(scene.sent) == 9
    scene.close_and_publish(nine)
    shots = snapshots(scene)

    for group in api_groups(scene, f"?campaign={tiny.id}"):
        assert group["suppressed"] and group["responses"] is None, group
    for role in ("consultant", "executive"):
        listing = shots[f"{role}: survey list"]
        assert listing.count("fewer than 5 responses") == 1  # the tiny campaign's line
        assert "3 responses" not in listing and "9 responses" in listing
        page = shots[f"{role}: campaign {tiny.id} page"]
        assert "3 responses" not in page and "Fewer than 5 responses · 9 people asked" in page
        for line in csv_rows(shots[f"{role}: results.csv c{tiny.id}"]):
            assert line["shown"] == "no" and line["responses"] == "", line
        # Nine: Sales has North's two, so Service's seven would give them away: everyone only.
        shown = {
            line["team"]: line["shown"]
            for line in csv_rows(shots[f"{role}: results.csv c{nine.id}"])
        }
        assert shown == {
            "All teams": "yes",
            "Sales": "no",
            "North": "no",
            "Ops": "no",
            "Service": "no",
        }
    # The tiny campaign is left out of the raw answers; the nine's comments stay out.
    rows = csv_rows(shots["consultant: answers.csv"])
    numbers = {int(r["campaign"]) for r in rows}
    assert numbers == {1, 3}
    assert not any(r["comment"] for r in rows if r["campaign"] == "3")
    for name in (f"results c{nine.id}", f"results c{tiny.id}", "results"):
        for role in ("consultant", "executive"):
            assert not any(secret in shots[f"{role}: {name}"] for secret in ("service note",)), name


# --- 7. removing teams: archived with their answers, sub-teams never lifted silently -----------


def _responses() -> int:
    return db.session.scalar(select(func.count()).select_from(Response)) or 0


def test_archiving_a_team_with_answers_changes_no_published_figure(published: Scene) -> None:
    scene = published
    before = figures_of(stable(snapshots(scene)))
    stored = _responses()
    consultant = scene.clients["consultant"]
    ops = scene.teams["Ops"]
    response = consultant.post(f"/teams/{ops.id}/delete")
    assert response.status_code == 302
    assert "archived" in consultant.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert ops.archived_at is not None and _responses() == stored
    after = figures_of(stable(snapshots(scene)))
    for name, shot in before.items():
        assert after[name] == shot, f"{name} changed when Ops was archived"


def test_removing_a_parent_asks_about_its_sub_teams_and_keeps_the_published_figures(
    published: Scene,
) -> None:
    scene = published
    before = figures_of(stable(snapshots(scene)))
    consultant = scene.clients["consultant"]
    sales, north, ops = (scene.teams[n] for n in ("Sales", "North", "Ops"))
    asked = consultant.get(f"/teams/{sales.id}/delete").get_data(as_text=True)
    assert "North" in asked and "Ops" in asked and 'name="children"' in asked
    # Without an answer nothing happens: the sub-teams are not lifted behind anyone's back.
    refused = consultant.post(f"/teams/{sales.id}/delete")
    assert refused.status_code == 422
    assert "Choose what happens to its sub-teams" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Team, sales.id) is not None and sales.archived_at is None
    assert (north.parent_id, ops.parent_id) == (sales.id, sales.id)

    response = consultant.post(f"/teams/{sales.id}/delete", data={"children": "move_up"})
    assert response.status_code == 302
    consultant.get("/")  # spend the flash message
    db.session.expire_all()
    assert (north.parent_id, ops.parent_id) == (None, None)
    after = figures_of(stable(snapshots(scene)))
    # Sales was never asked itself, but it stands in a published campaign's tree, so it
    # is archived, not deleted: even its own filter shows the published figures as before.
    assert db.session.get_one(Team, sales.id).archived_at is not None
    for name, shot in before.items():
        assert after[name] == shot, f"{name} changed when Sales was removed"
    # Published as it was: Sales (10) with North and Ops inside, Ops still hidden.
    groups = {g["name"]: g for g in api_groups(scene)}
    assert groups["Sales"]["responses"] == 10 and groups["Ops"]["suppressed"]


# --- trends: hidden in one campaign, shown in the next -------------------------------------------


OPS_LATER = [
    _person("Ops", 3, 2, 4, 9, ""),
    _person("Ops", 4, 1, 5, 10, ""),
    _person("Ops", 2, 3, 3, 6, ""),
    _person("Ops", 3, 2, 4, 8, ""),
    _person("Ops", 5, 1, 4, 9, ""),
]


def _trend_points(page: str) -> list[list[Any]]:
    """The y values of every line chart on a page (trends and eNPS), one list per line."""
    return [
        trace["y"]
        for spec in chart_specs(page)
        for trace in spec["data"]
        if trace["type"] == "scatter" and trace.get("mode") == "lines+markers"
    ]


def test_a_team_hidden_in_one_campaign_gives_nothing_of_it_away_when_shown_in_the_next(
    published: Scene,
) -> None:
    scene = published
    first = scene.campaign
    ops_first = recount(OPS)
    second = scene.new_campaign(utcnow() - timedelta(hours=2))
    scene.sent.clear()
    for person in NORTH + OPS_LATER + SERVICE:
        scene.submit(person)
    scene.close_and_publish(second)
    shots = snapshots(scene)
    ops = scene.team_id("Ops")

    # The API: Ops hidden in #1, shown in #2 with the figures its five answers make.
    series = {g["campaign_id"]: g for g in api_groups(scene, f"?team={ops}")}
    assert series[first.id]["suppressed"] and series[first.id]["dimensions"] is None
    assert api_figures(series[second.id]) == recount(OPS_LATER)

    for role in ("consultant", "executive"):
        page = shots[f"{role}: results Ops"]  # the default campaign: #2, where Ops shows
        # Each trend line has a gap for #1 and a point for #2; no change since #1 is given.
        points = _trend_points(page)
        assert points and all(y[0] is None and y[1] is not None for y in points), points
        changes = re.findall(
            r'<td class="num">([^<]*)</td>\s*</tr>',
            page.split("rs-dimensions")[1].split("</table>")[0],
        )
        assert changes and set(changes) == {"—"}, changes
        # Nothing of Ops' first campaign anywhere, in any output.
        for name, shot in shots.items():
            for figure in figure_strings(ops_first) - figure_strings(recount(OPS_LATER)):
                assert not shows(shot, figure), (name, figure)
        # The first campaign's page for Ops still only says why.
        assert "Fewer than 5 responses" in shots[f"{role}: results Ops c{first.id}"]

    # Positive control: executives see the trends and the heatmap of what is safe.
    page = shots["executive: results"]
    trends = _trend_points(page)
    whole_1, whole_2 = recount(ORDER), recount(NORTH + OPS_LATER + SERVICE)
    expected = [[whole_1[d][0], whole_2[d][0]] for d in SCORED]
    assert all(line in trends for line in expected), (trends, expected)
    # Top-level teams on the organisation's page, sub-teams on their parent's.
    rows = {}
    for shot in (page, shots["executive: results Sales"]):
        (heatmap,) = [s for s in chart_specs(shot) if s["data"][0]["type"] == "heatmap"]
        trace = heatmap["data"][0]
        for label, text in zip(trace["y"], trace["text"], strict=True):
            rows[label.strip("· ")] = text
    for name, members in (
        ("Sales", NORTH + OPS_LATER),
        ("North", NORTH),
        ("Ops", OPS_LATER),
        ("Service", SERVICE),
    ):
        assert rows[name] == [f"{mean:.1f}" for mean in exact_means(members)], name


# --- the diagnosis: findings, dashboard tables and charts, the XLSX export ----------------------


# "n=10", "10 pulse responses", "10 answers", "3.2/5", "3.2 of 5": how findings cite the pulse
# (the exact figures and the executive's plain words).
PULSE_N = re.compile(r"\bn\s*=\s*(\d+)|(\d+) pulse responses|(\d+) answers?\b")
PULSE_SCORE = re.compile(r"\b[1-5]\.\d+\s*(/|of)\s*5\b")


def _adoption_everywhere(scene: Scene) -> None:
    """Every team's adoption falling for six weeks, far from an 80% target."""
    initiative = scene.world.initiative
    metrics.ensure_catalogue(initiative)
    metric = metrics.metric_by_key(initiative, "adoption_rate")
    assert metric is not None
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    metrics.set_target(metric, 80.0, monday + timedelta(weeks=26))
    scene.teams["Sales"].headcount = 13  # big enough for its own adoption figure
    start = monday - timedelta(weeks=6)
    for team_id in [None, *scene.ids.values()]:
        for week in range(6):
            db.session.add(
                Observation(
                    metric_id=metric.id,
                    team_id=team_id,
                    period=start + timedelta(weeks=week),
                    value=40.0 - 4 * week,
                )
            )
    db.session.commit()


def test_the_diagnosis_names_and_scores_only_teams_the_plan_shows(published: Scene) -> None:
    scene = published
    _adoption_everywhere(scene)
    shots = snapshots(scene)
    hidden = {
        figure
        for name in ("North", "Ops")
        for figure in figure_strings(recount(people_of(scene.sent, name)))
    } - set().union(
        *(figure_strings(recount(people_of(scene.sent, n))) for n in (None, "Sales", "Service"))
    )
    counts = {None: 17, "Sales": 10, "Service": 7}  # the published groups' responses
    for role in ("consultant", "executive"):
        findings = json.loads(shots[f"{role}: API diagnosis"])["findings"]
        named: dict[str | None, list[str]] = {}
        for finding in findings:
            teams = [t["name"] if isinstance(t, dict) else t for t in finding["teams"]] or [None]
            for team in teams:
                named.setdefault(team, []).append(
                    f"{finding['title']} {finding['evidence']} {finding['plain']}"
                )
        # Positive control: every team's adoption falls, so each has a finding.
        assert set(named) >= {"Sales", "Service", "North", "Ops"}, findings
        for team, texts in named.items():
            for text in texts:
                cited = {int(next(g for g in m.groups() if g)) for m in PULSE_N.finditer(text)}
                if team in ("North", "Ops"):  # hidden: no pulse count, no pulse score
                    assert not cited and not PULSE_SCORE.search(text), (team, text)
                else:  # shown: only the published count of that very group
                    assert cited <= {counts[team]}, (team, text)
        # The exports: the same findings; a hidden team's line cites nothing of the pulse.
        lines = shots[f"{role}: findings.csv"].splitlines() + [
            line
            for line in shots[f"{role}: findings.xlsx"].splitlines()
            if line.startswith("Findings: ")
        ]
        for line in lines:
            if re.search(r"\b(North|Ops)\b", line):
                assert not PULSE_N.search(line) and not PULSE_SCORE.search(line), line
        assert any("Sales" in line for line in lines) and any("Service" in line for line in lines)
        # The dashboard's team table and heatmap: hidden teams say why, with no number.
        page = shots[f"{role}: dashboard"]
        table = page.split("Mean per team and dimension (1–5)")[1].split("</table>")[0]
        for name in ("North", "Ops"):
            row = re.search(rf'<th scope="row">(?:— )*{name}</th>(.*?)</tr>', table, re.S)
            assert row is not None and 'class="num"' not in row.group(1), name
        (heatmap,) = [s for s in chart_specs(page) if s["data"][0]["type"] == "heatmap"]
        trace = heatmap["data"][0]
        for label, z in zip(trace["y"], trace["z"], strict=True):
            assert (all(v is None for v in z)) == label.endswith(("North", "Ops")), label
        for name, shot in shots.items():
            if not name.startswith(role):
                continue
            for figure in hidden:
                assert not shows(shot, figure), (name, figure)


# --- the tick, and answers after the close --------------------------------------------------------


def test_the_tick_publishes_a_campaign_closed_early_only_after_the_grace_and_once(
    scene: Scene, runner: FlaskCliRunner
) -> None:
    for person in NORTH + SERVICE:
        scene.submit(person)
    consultant = scene.clients["consultant"]
    assert consultant.post(f"/campaigns/{scene.campaign.id}/close").status_code == 302
    assert "Campaign closed" in consultant.get("/").get_data(as_text=True)
    # Within the grace: nothing is published, the pages still show participation only.
    result = runner.invoke(args=["surveys", "tick"])
    assert result.exit_code == 0 and result.output.strip() == "nothing due"
    assert api_groups(scene) == []
    page = consultant.get(f"/surveys/{scene.survey.id}/results").get_data(as_text=True)
    assert "Closed: results are being published" in page and "Dimensions" not in page

    # Two minutes on, the tick publishes it, says so, and the next tick has nothing to do.
    db.session.expire_all()
    campaign = db.session.get_one(Campaign, scene.campaign.id)
    campaign.closes_at -= PUBLISH_GRACE + timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["surveys", "tick"])
    assert result.exit_code == 0
    assert result.output.strip().splitlines() == [
        f"Published the results of campaign {campaign.id} of “CRM pulse” (Acme CRM): "
        "4 groups shown."  # everyone, Sales (North's 6), North and Service
    ]
    assert runner.invoke(args=["surveys", "tick"]).output.strip() == "nothing due"
    db.session.expire_all()
    assert db.session.get_one(Campaign, campaign.id).published_at is not None
    groups = {g["name"]: g for g in api_groups(scene)}
    assert api_figures(groups["All teams"]) == recount(NORTH + SERVICE)
    assert api_figures(groups["North"]) == recount(NORTH)


def test_an_answer_after_the_close_is_refused_and_stores_nothing(scene: Scene) -> None:
    late = make_personal_link(scene.campaign, scene.teams["North"], "late@acme.example")
    for person in NORTH[:5] + SERVICE:
        scene.submit(person)
    consultant = scene.clients["consultant"]
    assert consultant.post(f"/campaigns/{scene.campaign.id}/close").status_code == 302
    stored = _responses()
    by_team_link = scene.staff.post(f"/p/{scene.code('North')}", data=NORTH[5].form())
    assert by_team_link.status_code == 200
    assert "No pulse is open right now" in by_team_link.get_data(as_text=True)
    assert scene.staff.post(f"/p/{late}", data=NORTH[5].form()).status_code == 410
    assert _responses() == stored
    db.session.expire_all()
    closed_at = db.session.get_one(Campaign, scene.campaign.id).closes_at
    publication.publish_due(closed_at + PUBLISH_GRACE)
    groups = {g["name"]: g for g in api_groups(scene)}
    assert groups["All teams"]["responses"] == stored == 12
    assert _responses() == stored


def test_an_answer_that_began_before_the_close_never_lands_in_a_published_campaign(
    published: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = published
    watched = ("results", "answers.csv", "API results")
    before = {
        name: shot
        for name, shot in stable(snapshots(scene)).items()
        if name.split(": ")[1] in watched
    }
    db.session.expire_all()
    closed_at = db.session.get_one(Campaign, scene.campaign.id).closes_at
    stored = _responses()
    # A request that read the clock a second before the close and reached the database
    # only after the tick had published the campaign (a stalled worker, a lock wait):
    # the write itself checks the campaign, so nothing lands.
    monkeypatch.setattr("app.pulse.views.utcnow", lambda: closed_at - timedelta(seconds=1))
    straggler = _person("Ops", 1, 5, 1, 0, "the straggler")
    scene.staff.post(f"/p/{scene.code('Ops')}", data=straggler.form())
    monkeypatch.undo()
    after = {
        name: shot
        for name, shot in stable(snapshots(scene)).items()
        if name.split(": ")[1] in watched
    }
    changed = sorted(name for name, shot in before.items() if after[name] != shot)
    assert not changed, f"changed after publication: {changed}"
    assert _responses() == stored, "an answer was stored in a published campaign"
