"""Metric imports: tidy, wide and activity-log files, all-or-nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.services import metrics, organizations
from app.services.errors import ServiceError
from app.services.metrics import REPLACE, USERS_FILE, ImportPlan
from app.services.organizations import InitiativeFields
from insights.adoption import DEFAULT_CATALOGUE, ActivityMapping
from models import Initiative, Metric, Observation, Team, db
from tests import builders
from tests.conftest import World

HEADER = "date,team,metric,value\n"
GOOD = "2026-06-01,Claims,csat,80\n"
STORED = "2026-05-04,Claims,csat,70\n"


def stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Observation)) or 0


def stored(initiative: Initiative) -> set[tuple[str, str | None, date, float]]:
    rows = db.session.execute(
        select(Metric.key, Team.name, Observation.period, Observation.value)
        .join(Metric, Metric.id == Observation.metric_id)
        .outerjoin(Team, Team.id == Observation.team_id)
        .where(Metric.initiative_id == initiative.id)
    )
    return {tuple(row) for row in rows}  # type: ignore[misc]


def tidy(initiative: Initiative, body: str, on_conflict: str = "reject") -> ImportPlan:
    return metrics.plan_tidy(initiative, io.StringIO(body), on_conflict)


def import_tidy(initiative: Initiative, body: str, on_conflict: str = "reject") -> int:
    plan = tidy(initiative, body, on_conflict)
    assert plan.errors == []
    written = metrics.apply_plan(plan)
    db.session.commit()
    return written


def errors(plan: ImportPlan) -> list[tuple[int, str]]:
    return [(error.line, error.message) for error in plan.errors]


def reported(plan: ImportPlan, expected: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The plan's errors, each cut to the length of the expected message's beginning."""
    got = errors(plan)
    if len(got) != len(expected):
        return got
    return [
        (line, message[: len(text)])
        for (line, message), (_, text) in zip(got, expected, strict=True)
    ]


# --- the catalogue -----------------------------------------------------------------------


def test_a_new_initiative_gets_the_default_catalogue_once(app: Flask) -> None:
    organization = builders.make_organization()
    fields = InitiativeFields("Rollout", "CRM", date(2026, 1, 5), date(2026, 3, 2), 50)
    initiative = organizations.save_initiative(organization, fields)
    keys = [metric.key for metric in metrics.metrics_of(initiative)]
    assert keys == [definition.key for definition in DEFAULT_CATALOGUE]
    assert metrics.ensure_catalogue(initiative) == metrics.metrics_of(initiative)
    assert len(metrics.metrics_of(initiative)) == len(DEFAULT_CATALOGUE)
    adoption_rate = metrics.metric_by_key(initiative, "adoption_rate")
    assert adoption_rate is not None
    assert (adoption_rate.target, adoption_rate.target_date) == (80.0, date(2026, 8, 31))


@pytest.mark.parametrize(
    ("key", "field", "message"),
    [
        ("Bad Key", "key", "lower-case letters"),
        ("import", "key", "reserved"),
        ("csat", "key", "already has a metric 'csat'"),
    ],
)
def test_custom_metrics_need_a_fresh_plain_key(
    world: World, key: str, field: str, message: str
) -> None:
    metrics.ensure_catalogue(world.initiative)
    fields = metrics.MetricFields(key, "Name", "%", "higher", "usage")
    with pytest.raises(ServiceError, match=message) as raised:
        metrics.add_metric(world.initiative, fields)
    assert list(raised.value.problems) == [field]


def test_every_wrong_field_of_a_custom_metric_is_named_at_once(world: World) -> None:
    fields = metrics.MetricFields("Bad Key", " ", "%", "sideways", "misc", float("inf"))
    with pytest.raises(ServiceError) as raised:
        metrics.add_metric(world.initiative, fields)
    assert set(raised.value.problems) == {"key", "name", "direction", "category", "target"}


# --- bad rows, each on its exact line ------------------------------------------------------

BAD_ROWS = [
    pytest.param(
        HEADER + GOOD + "2026-06-01,Nowhere,csat,80\n",
        [(3, "Unknown team 'Nowhere'")],
        id="unknown-team",
    ),
    pytest.param(
        HEADER + "2026-06-01,,happiness,3\n" + GOOD,
        [(2, "Unknown metric 'happiness'")],
        id="unknown-metric",
    ),
    pytest.param(
        HEADER + GOOD + GOOD.replace("06-01", "06-02") + "2026-02-30,Claims,csat,80\n",
        [(4, "'2026-02-30' is not a date as YYYY-MM-DD")],
        id="bad-date",
    ),
    pytest.param(
        HEADER + GOOD + "2026-06-08,Claims,csat,eighty\n",
        [(3, "The value 'eighty' is not a number")],
        id="not-a-number",
    ),
    pytest.param(
        HEADER + GOOD + "2026-06-01,,csat,80\n" + GOOD.replace("80", "81"),
        [(4, "Duplicate period: csat for Claims on 2026-06-01 is already on line 2")],
        id="duplicate-period-in-file",
    ),
    pytest.param(
        HEADER + GOOD + STORED,
        [(3, "A value of csat for Claims on 2026-05-04 is already stored")],
        id="stored-period-rejected",
    ),
    pytest.param(
        HEADER + '2026-06-08,Claims,csat,"80\n"\n2026-06-15,Claims,nps,x\n',
        [(4, "The value 'x' is not a number")],
        id="line-counts-quoted-line-breaks",
    ),
    pytest.param(
        "day,team,metric,value\n" + GOOD,
        [(1, "The first line must name the columns date, team, metric and value; missing: date")],
        id="header",
    ),
]


@pytest.mark.parametrize(("body", "expected"), BAD_ROWS)
def test_every_bad_row_is_reported_on_its_line_and_nothing_is_written(
    world: World, body: str, expected: list[tuple[int, str]]
) -> None:
    import_tidy(world.initiative, HEADER + STORED)
    before = stored_count()
    plan = tidy(world.initiative, body)
    assert reported(plan, expected) == expected
    with pytest.raises(ValueError, match="never written"):
        metrics.apply_plan(plan)
    db.session.commit()
    assert stored_count() == before


def test_every_problem_of_every_row_is_reported(world: World) -> None:
    plan = tidy(world.initiative, HEADER + "June,Nowhere,happiness,\n" + GOOD + ",,,1\n")
    assert [line for line, _ in errors(plan)] == [2, 2, 2, 2, 4, 4]
    assert plan.observations and not plan.ok


def test_a_file_that_is_not_utf8_is_an_error_not_a_crash(world: World) -> None:
    body = (HEADER + GOOD).encode() + "2026-06-08,Équipe,csat,80\n".encode("latin-1")
    source = io.TextIOWrapper(io.BytesIO(body), encoding="utf-8", newline="")
    plan = metrics.plan_tidy(world.initiative, source)
    assert errors(plan)[0][1].startswith("The file is not UTF-8 text")


def test_an_empty_file_has_nothing_to_import(world: World) -> None:
    assert errors(tidy(world.initiative, HEADER)) == [(1, "There are no values to import.")]


# --- replace or reject ---------------------------------------------------------------------


def test_a_stored_period_is_replaced_only_when_asked(world: World) -> None:
    import_tidy(world.initiative, HEADER + GOOD + "2026-06-01,,csat,70\n")
    newer = HEADER + GOOD.replace("80", "90") + "2026-06-01,,csat,75\n2026-06-08,,csat,76\n"

    rejected = tidy(world.initiative, newer)
    assert [line for line, _ in errors(rejected)] == [2, 3]

    plan = tidy(world.initiative, newer, REPLACE)
    assert plan.errors == [] and len(plan.replacing) == 2
    assert metrics.apply_plan(plan) == 3
    db.session.commit()
    assert stored(world.initiative) == {
        ("csat", "Claims", date(2026, 6, 1), 90.0),
        ("csat", None, date(2026, 6, 1), 75.0),
        ("csat", None, date(2026, 6, 8), 76.0),
    }


# --- wide files ----------------------------------------------------------------------------


def test_a_wide_file_stores_one_value_per_filled_cell(world: World) -> None:
    body = (
        "Date,Team,adoption_rate,CSAT\n"
        "2026-06-01,Claims,40,80\n"
        "2026-06-01,,35,\n"
        "\n"
        "2026-06-08,claims,42.5%,81\n"
    )
    plan = metrics.plan_wide(world.initiative, io.StringIO(body))
    assert plan.errors == []
    metrics.apply_plan(plan)
    assert stored(world.initiative) == {
        ("adoption_rate", "Claims", date(2026, 6, 1), 40.0),
        ("csat", "Claims", date(2026, 6, 1), 80.0),
        ("adoption_rate", None, date(2026, 6, 1), 35.0),
        ("adoption_rate", "Claims", date(2026, 6, 8), 42.5),
        ("csat", "Claims", date(2026, 6, 8), 81.0),
    }


def test_a_share_of_people_over_100_percent_is_refused_naming_team_and_week(
    world: World,
) -> None:
    plan = tidy(world.initiative, HEADER + "2026-06-01,Claims,adoption_rate,260\n" + GOOD)
    assert errors(plan) == [
        (2, "Adoption rate of 260% for Claims, week of 2026-06-01, is impossible: a share of "
            "people is between 0 and 100%.")
    ]  # fmt: skip
    assert tidy(world.initiative, HEADER + "2026-06-01,,adoption_rate,100\n").errors == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("team,csat\nClaims,80\n", [(1, "The first line must name a date column")]),
        ("date,team,csat,mood\n", [(1, "Column 4: Unknown metric 'mood'")]),
        (
            "date,team,csat,nps\n2026-06-01,Claims,80,n/a\n01/06/2026,Claims,80,1\n",
            [(2, "The nps value 'n/a' is not a number"), (3, "'01/06/2026' is not a date")],
        ),
    ],
)
def test_a_wide_file_reports_its_bad_cells(
    world: World, body: str, expected: list[tuple[int, str]]
) -> None:
    plan = metrics.plan_wide(world.initiative, io.StringIO(body))
    assert reported(plan, expected) == expected


def test_dates_may_be_day_first_when_the_user_says_so(world: World) -> None:
    plan = metrics.plan_wide(
        world.initiative, io.StringIO("date,csat\n01/06/2026,80\n"), date_format="%d/%m/%Y"
    )
    assert [o.period for o in plan.observations] == [date(2026, 6, 1)]


# --- activity logs -------------------------------------------------------------------------

LOG = """UserName,LoginTime,Action,Result
a@x.example,01/06/2026 09:00,Login,Success
A@X.example,01/06/2026 09:05,Create,
a@x.example,02/06/2026 09:05,Update,
b@x.example,02/06/2026 09:00,Login,Failed
b@x.example,02/06/2026 09:01,Login,Success
c@x.example,03/06/2026 10:00,Update,
d@x.example,03/06/2026 10:00,Create,
c@x.example,04/06/2026 11:00,Delete,
a@x.example,07/06/2026 23:30,Update,
b@x.example,09/06/2026 09:00,Create,
"""
USERS = "Email,Department\na@x.example,Sales\nb@x.example,sales\nc@x.example,Claims\n"
MAPPING = ActivityMapping(
    user_column="UserName",
    timestamp_column="LoginTime",
    timestamp_format="%d/%m/%Y %H:%M",
    source_zone="UTC",
    week_zone="Europe/London",
    event_column="Action",
    login_events=("Login",),
    record_events=("Create", "Update"),
    status_column="Result",
    counted_statuses=("Success",),
    users_user_column="Email",
    users_team_column="Department",
)
W1, W2 = date(2026, 6, 1), date(2026, 6, 8)
# Week 1: a (Sales: 1 login, 2 records), c (Claims: 1 record), d (no team: 1 record) are
# active; b only logged in (its failed login is not counted), c's Delete is not counted.
# Week 2: a's Sunday 23:30 UTC update is Monday 00:30 in London; b creates a record.
# Seats: 120 licensed, Sales 4 people, Claims 12.
EXPECTED_LOG = {
    ("adoption_rate", None, W1, 2.5),  # 3 / 120
    ("logins_per_active_user", None, W1, 0.33),  # 1 / 3
    ("records_per_active_user", None, W1, 1.33),  # 4 / 3
    ("adoption_rate", "Sales", W1, 25.0),  # 1 / 4
    ("logins_per_active_user", "Sales", W1, 1.0),
    ("records_per_active_user", "Sales", W1, 2.0),
    ("adoption_rate", "Claims", W1, 8.33),  # 1 / 12
    ("logins_per_active_user", "Claims", W1, 0.0),
    ("records_per_active_user", "Claims", W1, 1.0),
    ("adoption_rate", None, W2, 1.67),  # 2 / 120
    ("logins_per_active_user", None, W2, 0.0),
    ("records_per_active_user", None, W2, 1.0),
    ("adoption_rate", "Sales", W2, 50.0),
    ("logins_per_active_user", "Sales", W2, 0.0),
    ("records_per_active_user", "Sales", W2, 1.0),
    ("adoption_rate", "Claims", W2, 0.0),  # nobody active: no per-user figures
}


@pytest.fixture
def sales(world: World) -> Team:
    team = builders.make_team(world.organization, "Sales", headcount=4)
    db.session.commit()
    return team


def plan_log(
    initiative: Initiative, log: str = LOG, users: str | None = USERS, on_conflict: str = "reject"
) -> ImportPlan:
    return metrics.plan_activity_log(
        initiative,
        io.StringIO(log),
        MAPPING,
        io.StringIO(users) if users is not None else None,
        on_conflict,
    )


def test_an_activity_log_becomes_weekly_figures_per_team(world: World, sales: Team) -> None:
    plan = plan_log(world.initiative)
    assert plan.errors == []
    summary = plan.activity
    assert summary is not None
    assert (summary.rows, summary.logins, summary.records) == (10, 2, 6)
    assert dict(summary.skipped) == {
        "status 'Failed' is not counted": 1,
        "event type 'Delete' is not counted": 1,
    }
    assert (summary.users, summary.users_without_team) == (4, 1)
    assert summary.examples_without_team == ["d@x.example"]
    assert (summary.first_week, summary.last_week) == (W1, W2)
    assert {o.line for o in plan.observations} == {2, 10}  # the first row of each week

    assert metrics.apply_plan(plan) == len(EXPECTED_LOG)
    db.session.commit()
    assert stored(world.initiative) == EXPECTED_LOG


def test_a_week_already_stored_is_reported_once_on_its_first_row(world: World, sales: Team) -> None:
    metrics.apply_plan(plan_log(world.initiative))
    db.session.commit()
    before = stored_count()
    again = plan_log(world.initiative)
    assert [(e.line, e.message[:40]) for e in again.errors] == [
        (2, "The week of 2026-06-01 (first row on thi"),
        (10, "The week of 2026-06-08 (first row on thi"),
    ]
    assert "(9 values)" in again.errors[0].message
    replaced = plan_log(world.initiative, on_conflict=REPLACE)
    assert replaced.errors == [] and len(replaced.replacing) == len(EXPECTED_LOG)
    metrics.apply_plan(replaced)
    db.session.commit()
    assert stored_count() == before


def test_bad_rows_of_the_log_and_of_the_user_list_are_reported_by_file_and_line(
    world: World, sales: Team
) -> None:
    log = LOG.replace("02/06/2026 09:05", "2026-06-02 09:05").replace("d@x.example,03", ",03")
    users = USERS + "e@x.example,Marketing\na@x.example,Claims\n"
    plan = plan_log(world.initiative, log, users)
    assert [(e.file, e.line, e.message[:30]) for e in plan.errors] == [
        (USERS_FILE, 5, "Unknown team 'Marketing': add "),
        (USERS_FILE, 6, "'a@x.example' is on line 2 wit"),
        ("", 4, "'2026-06-02 09:05' is not a ti"),
        ("", 8, "The user is empty."),
    ]
    before = stored_count()
    with pytest.raises(ValueError, match="never written"):
        metrics.apply_plan(plan)
    assert stored_count() == before


def test_the_log_team_column_wins_over_the_user_list(world: World, sales: Team) -> None:
    log = (
        "User,At,Team\n"
        "c@x.example,2026-06-02T09:00:00Z,Sales\n"
        "z@x.example,2026-06-02T09:00:00Z,Mars\n"
    )
    mapping = ActivityMapping(
        user_column="User", timestamp_column="At", team_column="Team", active_on="any"
    )
    plan = metrics.plan_activity_log(world.initiative, io.StringIO(log), mapping, None)
    assert [(e.line, e.message[:20]) for e in plan.errors] == [(3, "Unknown team 'Mars':")]
    fixed = metrics.plan_activity_log(
        world.initiative, io.StringIO(log.replace("Mars", "")), mapping, None
    )
    adoption = {
        (fixed.team_names.get(o.team_id), o.value)
        for o in fixed.observations
        if fixed.metrics[o.metric_id].key == "adoption_rate"
    }
    assert adoption == {(None, round(2 / 120 * 100, 2)), ("Sales", 25.0)}


def test_a_mapping_that_counts_nothing_says_so(world: World, sales: Team) -> None:
    mapping = ActivityMapping(
        user_column="UserName", timestamp_column="LoginTime", event_column="Action",
        login_events=("Sign-in",),
    )  # fmt: skip
    plan = metrics.plan_activity_log(world.initiative, io.StringIO(LOG), mapping, None)
    [problem] = plan.errors
    assert (problem.file, problem.line) == ("mapping", 0)  # the mapping, not "Line 2"
    assert problem.message.startswith(
        "No row counts with this mapping: check “Event types that are logins” (Sign-in)"
    )
    assert "for the column 'Action'" in problem.message
    assert "event type 'Login' is not counted" in problem.message


def test_a_mapping_naming_a_column_not_in_the_file_is_a_mapping_problem(world: World) -> None:
    mapping = ActivityMapping(user_column="Who", timestamp_column="LoginTime")
    plan = metrics.plan_activity_log(world.initiative, io.StringIO(LOG), mapping, None)
    assert [(e.file, e.line, e.message) for e in plan.errors] == [
        ("mapping", 0, "The user column 'Who' is not in the file.")
    ]


def test_the_mapping_is_remembered_per_initiative(world: World) -> None:
    assert metrics.remembered_mapping(world.initiative) is None
    metrics.remember_mapping(world.initiative, MAPPING)
    changed = ActivityMapping.from_settings({**MAPPING.settings(), "login_events": ["Sign-in"]})
    metrics.remember_mapping(world.initiative, changed)
    db.session.commit()
    assert metrics.remembered_mapping(world.initiative) == changed
    assert metrics.remembered_mapping(world.other_initiative) is None
