"""Weekly adoption figures from a CRM activity log, against figures computed by hand.

No app, no database: events in, weeks out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from insights.adoption import (
    DEFAULT_CATALOGUE,
    DERIVED_KEYS,
    LOGIN,
    RECORD,
    TIMESTAMP_FORMATS,
    ActivityEvent,
    ActivityMapping,
    ActivityRowReader,
    RowProblem,
    Skipped,
    WeekFigures,
    default_target_date,
    meets_target,
    observations,
    parse_timestamp,
    week_start,
    weekly_figures,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
W1, W2, W3, W4 = date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15), date(2026, 6, 22)
TEAMS = {"ann": "North", "bob": "North", "cat": "South"}  # dan has no team
HEADCOUNTS = {"North": 4, "South": 2}
SEATS = 10


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def event(user: str, when: str, kind: str = RECORD) -> ActivityEvent:
    return ActivityEvent(user, at(when), kind, TEAMS.get(user))


def times(n: int, user: str, when: str, kind: str = RECORD) -> list[ActivityEvent]:
    return [event(user, when, kind)] * n


# Four London weeks (British Summer Time, UTC+1):
# W1  ann 2 logins + 3 records; bob 1 login only (not active); cat 1 record;
#     dan (no team) 2 records + 1 login.
# W2  ann: one record at Sunday 23:30 UTC = Monday 00:30 in London, so W2, not W1;
#     bob: one record at Sunday 22:59 UTC = 23:59 in London, still W2.
# W3  nothing at all: the week is reported, with nobody active.
# W4  ann 1 login + 1 record; cat 1 record. First week with a full 4-week MAU window.
EVENTS = [
    *times(2, "ann", "2026-06-02T09:00", LOGIN),
    *times(3, "ann", "2026-06-02T10:00"),
    event("bob", "2026-06-03T09:00", LOGIN),
    event("cat", "2026-06-04T09:00"),
    *times(2, "dan", "2026-06-05T09:00"),
    event("dan", "2026-06-05T08:00", LOGIN),
    event("ann", "2026-06-07T23:30"),
    event("bob", "2026-06-14T22:59"),
    event("ann", "2026-06-23T09:00", LOGIN),
    event("ann", "2026-06-23T10:00"),
    event("cat", "2026-06-24T09:00"),
]

# week, team: WAU, MAU, adoption %, stickiness %, logins per active user, records per active user
EXPECTED = {
    (W1, None): (3, None, 30.0, None, 1.0, 2.0),  # ann, cat, dan: logins 2+0+1, records 3+1+2
    (W1, "North"): (1, None, 25.0, None, 2.0, 3.0),  # ann of 4; bob only logged in
    (W1, "South"): (1, None, 50.0, None, 0.0, 1.0),  # cat of 2
    (W2, None): (2, None, 20.0, None, 0.0, 1.0),
    (W2, "North"): (2, None, 50.0, None, 0.0, 1.0),
    (W2, "South"): (0, None, 0.0, None, None, None),
    (W3, None): (0, None, 0.0, None, None, None),
    (W3, "North"): (0, None, 0.0, None, None, None),
    (W3, "South"): (0, None, 0.0, None, None, None),
    (W4, None): (2, 4, 20.0, 50.0, 0.5, 1.0),  # MAU W1-W4: ann, bob, cat, dan
    (W4, "North"): (1, 2, 25.0, 50.0, 1.0, 1.0),  # MAU: ann, bob
    (W4, "South"): (1, 1, 50.0, 100.0, 0.0, 1.0),  # MAU: cat
}


def summary(figure: WeekFigures) -> tuple[object, ...]:
    return (
        figure.active_users,
        figure.monthly_active_users,
        figure.adoption_rate,
        figure.stickiness,
        figure.logins_per_active_user,
        figure.records_per_active_user,
    )


def london_figures(events: list[ActivityEvent] = EVENTS) -> list[WeekFigures]:
    return weekly_figures(events, week_zone=LONDON, licensed_seats=SEATS, headcounts=HEADCOUNTS)


def test_weeks_and_teams_are_reported_in_order_with_gaps_filled() -> None:
    figures = london_figures()
    assert [(f.week, f.team) for f in figures] == list(EXPECTED)


@pytest.mark.parametrize(("week", "team"), list(EXPECTED))
def test_weekly_figures_match_the_hand_computed_ones(week: date, team: str | None) -> None:
    figure = next(f for f in london_figures() if (f.week, f.team) == (week, team))
    assert summary(figure) == EXPECTED[(week, team)]


def test_the_same_events_in_utc_weeks_move_the_sunday_night_record() -> None:
    """In UTC, ann's Sunday 23:30 record is in W1: W1 has her, W2 only bob."""
    figures = weekly_figures(EVENTS, week_zone=UTC, licensed_seats=SEATS, headcounts=HEADCOUNTS)
    by_key = {(f.week, f.team): f for f in figures}
    assert by_key[(W1, "North")].records_per_active_user == 4.0  # 3 + the Sunday night one
    assert by_key[(W2, "North")].active_users == 1  # bob only
    assert by_key[(W2, None)].adoption_rate == 10.0


def test_users_without_a_team_count_for_the_whole_initiative_only() -> None:
    figures = london_figures([*times(2, "dan", "2026-06-02T09:00")])
    assert [(f.team, f.active_users, f.adoption_rate) for f in figures] == [(None, 1, 10.0)]


def test_a_user_belongs_to_the_team_of_their_latest_event_that_week() -> None:
    moved = [
        ActivityEvent("eve", at("2026-06-02T09:00"), RECORD, "North"),
        ActivityEvent("eve", at("2026-06-04T09:00"), RECORD, "South"),
        ActivityEvent("eve", at("2026-06-03T09:00"), RECORD, None),
    ]
    by_team = {f.team: f for f in london_figures(moved)}
    assert by_team["South"].active_users == 1 and by_team["South"].records == 3
    assert by_team["North"].active_users == 0


def test_logins_make_users_active_when_the_mapping_says_so() -> None:
    logins_only = times(3, "bob", "2026-06-02T09:00", LOGIN)
    strict = london_figures(logins_only)
    lenient = weekly_figures(
        logins_only, week_zone=LONDON, licensed_seats=SEATS, headcounts=HEADCOUNTS, active_on="any"
    )
    assert [f.adoption_rate for f in strict] == [0.0, 0.0]
    assert [(f.team, f.adoption_rate, f.logins_per_active_user) for f in lenient] == [
        (None, 10.0, 3.0),
        ("North", 25.0, 3.0),
    ]


def test_no_adoption_rate_without_seats_or_headcount() -> None:
    figures = weekly_figures(
        [event("ann", "2026-06-02T09:00")], week_zone=LONDON, licensed_seats=0, headcounts={}
    )
    assert [(f.team, f.adoption_rate, f.records_per_active_user) for f in figures] == [
        (None, None, 1.0),
        ("North", None, 1.0),
    ]


def test_observations_skip_what_cannot_be_computed() -> None:
    rows = list(observations(london_figures()))
    assert (W1, "North", "adoption_rate", 25.0) in rows
    assert not [
        row for row in rows if row[1] == "South" and row[0] == W2 and row[2] != "adoption_rate"
    ]
    assert {row[2] for row in rows} == set(DERIVED_KEYS)


def test_no_events_no_figures() -> None:
    assert london_figures([]) == []


# --- timestamps and time zones -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt", "source", "utc"),
    [
        ("2026-06-07T23:30:00Z", "iso", UTC, "2026-06-07T23:30"),
        ("2026-06-08T00:30:00+01:00", "iso", NEW_YORK, "2026-06-07T23:30"),  # own offset wins
        ("2026-06-08 00:30", "iso", LONDON, "2026-06-07T23:30"),
        ("07/06/2026 20:30", "%d/%m/%Y %H:%M", NEW_YORK, "2026-06-08T00:30"),
        ("06/07/2026 08:30 PM", "%m/%d/%Y %I:%M %p", NEW_YORK, "2026-06-08T00:30"),
        ("15/01/2026 09:00", "%d/%m/%Y %H:%M", LONDON, "2026-01-15T09:00"),  # GMT in winter
        ("1780875000", "epoch", NEW_YORK, "2026-06-07T23:30"),  # epoch is always UTC
        ("1780875000000", "epoch_ms", LONDON, "2026-06-07T23:30"),
    ],
)
def test_timestamps_are_read_in_the_stated_zone(
    text: str, fmt: str, source: ZoneInfo, utc: str
) -> None:
    assert parse_timestamp(text, fmt, source) == at(utc)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("31/02/2026 10:00", "%d/%m/%Y %H:%M"), ("yesterday", "iso"), ("1e400", "epoch"), ("", "iso")],
)
def test_bad_timestamps_are_refused(text: str, fmt: str) -> None:
    with pytest.raises(ValueError, match="not a timestamp"):
        parse_timestamp(text, fmt, UTC)


def test_week_boundaries_follow_the_reporting_zone() -> None:
    sunday_night_utc = at("2026-06-07T23:30")
    assert week_start(sunday_night_utc, UTC) == W1
    assert week_start(sunday_night_utc, LONDON) == W2
    assert week_start(sunday_night_utc, NEW_YORK) == W1
    assert week_start(at("2026-06-08T00:00"), UTC) == W2  # Monday 00:00 opens the week


# --- which rows count --------------------------------------------------------------------

HEADER = ["User", "When", "Action", "Status", "Team"]
MAPPING = ActivityMapping(
    user_column="user",
    timestamp_column="When",
    timestamp_format="%d/%m/%Y %H:%M",
    source_zone="Europe/London",
    event_column="Action",
    login_events=("Login",),
    record_events=("Create", "Update"),
    status_column="Status",
    counted_statuses=("Success",),
    team_column="Team",
)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            [" Ann@X.example ", "02/06/2026 10:00", "login", "SUCCESS", "North"],
            ActivityEvent("ann@x.example", at("2026-06-02T09:00"), LOGIN, "North"),
        ),
        (
            ["ann@x.example", "02/06/2026 10:00", "Update", "", ""],  # empty status counts
            ActivityEvent("ann@x.example", at("2026-06-02T09:00"), RECORD, None),
        ),
        (
            ["a", "02/06/2026 10:00", "Login", "Invalid Password", ""],
            Skipped("status 'Invalid Password' is not counted"),
        ),
        (
            ["a", "02/06/2026 10:00", "Delete", "Success", ""],
            Skipped("event type 'Delete' is not counted"),
        ),
        (  # not counted anyway, so its bad timestamp is no error
            ["a", "not a date", "Delete", "", ""],
            Skipped("event type 'Delete' is not counted"),
        ),
    ],
)  # fmt: skip
def test_the_mapping_decides_which_rows_count(
    row: list[str], expected: ActivityEvent | Skipped
) -> None:
    assert ActivityRowReader(MAPPING, HEADER).read(row) == expected


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "02/06/2026 10:00", "Login", "Success", ""], "The user is empty."),
        (["a", "2026-06-02", "Login", "Success", ""], "'2026-06-02' is not a timestamp"),
        (["a", "02/06/2026 10:00", "Login"], "The row has 3 columns; the mapping needs 'Team'"),
    ],
)
def test_bad_rows_say_why(row: list[str], message: str) -> None:
    with pytest.raises(RowProblem, match=message):
        ActivityRowReader(MAPPING, HEADER).read(row)


def test_a_mapping_naming_a_missing_column_is_refused() -> None:
    with pytest.raises(RowProblem, match="The status column 'Status' is not in the file"):
        ActivityRowReader(MAPPING, ["User", "When", "Action", "Team"])


def test_without_an_event_column_every_row_is_a_login() -> None:
    mapping = ActivityMapping(user_column="User", timestamp_column="When")
    event_ = ActivityRowReader(mapping, ["User", "When"]).read(["a", "2026-06-02T09:00:00Z"])
    assert event_ == ActivityEvent("a", at("2026-06-02T09:00"), LOGIN, None)


def test_the_mapping_survives_a_round_trip_through_json_settings() -> None:
    assert ActivityMapping.from_settings(MAPPING.settings()) == MAPPING
    assert ActivityMapping.from_settings({**MAPPING.settings(), "retired": 1}) == MAPPING


# --- the catalogue -----------------------------------------------------------------------


def test_the_default_catalogue_has_the_expected_measures() -> None:
    keys = [m.key for m in DEFAULT_CATALOGUE]
    assert keys[:4] == list(DERIVED_KEYS)
    assert keys[4:] == [
        "data_completeness", "pipeline_hygiene", "csat", "retention", "nps",
        "first_contact_resolution",
    ]  # fmt: skip
    assert all(len(m.key) <= 40 and m.direction in {"higher", "lower"} for m in DEFAULT_CATALOGUE)
    assert {m.category for m in DEFAULT_CATALOGUE} == {"usage", "data_quality", "customer_outcome"}


def test_targets_are_met_in_the_better_direction() -> None:
    assert meets_target(80, 80, "higher") is True
    assert meets_target(79.9, 80, "higher") is False
    assert meets_target(3, 5, "lower") is True
    assert meets_target(None, 5, "lower") is None
    assert default_target_date(date(2026, 1, 5), date(2026, 3, 2)) == date(2026, 8, 31)


STRPTIME_CASES = [
    "02/06/2026 10:00", "2/6/2026 9:05", "31/02/2026 10:00", "02/06/2026 24:00",
    "02/06/2026 10:60", "06/07/2026 08:30 PM", "06/07/2026 12:30 AM", "06/07/2026 12:30 pm",
    "06/07/2026 13:30 PM", "02.03.2026 14:05", "02/03/2026 14:05:09", "2026-06-02",
    "02/06/26 10:00", "02/06/2026 00:00 AM",
]  # fmt: skip


@pytest.mark.parametrize("fmt", [fmt for fmt in TIMESTAMP_FORMATS if fmt.startswith("%")])
def test_the_fast_timestamp_reader_agrees_with_strptime(fmt: str) -> None:
    """Common formats skip strptime for speed; they must accept and refuse the same texts."""
    for text in STRPTIME_CASES:
        try:
            expected: object = datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            expected = "refused"
        try:
            got: object = parse_timestamp(text, fmt, UTC)
        except ValueError:
            got = "refused"
        assert got == expected, (fmt, text)
