"""``flask --app app backup PATH`` / ``restore PATH``: a round trip gives back every row."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app.demo import DEMO_ORGANIZATION, seed_demo
from app.services import organizations
from app.services.organizations.deletion import delete_organization
from app.services.responses import record_response
from models import Campaign, CampaignTeam, Organization, db
from tests.builders import make_organization
from tests.table_rows import table_rows

TODAY = date(2026, 6, 15)


def _demo() -> Organization:
    found = organizations.organization_by_name(DEMO_ORGANIZATION)
    assert found is not None
    return found


def test_a_round_trip_of_the_demo_gives_back_every_row(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    seed_demo(today=TODAY)
    before = table_rows()
    target = tmp_path / "stepwise.backup"

    made = runner.invoke(args=["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output and str(target) in made.output
    assert target.stat().st_size > 0

    # Then a bad day: the demo is deleted and another client appears.
    delete_organization(_demo(), DEMO_ORGANIZATION, None)
    make_organization("Created after the backup")
    db.session.commit()
    assert table_rows() != before

    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.output
    db.session.remove()
    after = table_rows()
    assert after.keys() == before.keys()
    for name, rows in before.items():
        assert after[name] == rows, name


def test_restore_asks_first_and_no_changes_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "empty.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    make_organization("Kept")
    db.session.commit()
    answered = runner.invoke(args=["restore", str(target)], input="n\n")
    assert answered.exit_code != 0
    assert "Replace everything" in answered.output
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 1


def test_restore_refuses_what_is_not_a_stepwise_backup(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    make_organization("Kept")
    db.session.commit()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup\n")
    other_sqlite = tmp_path / "other.db"
    with closing(sqlite3.connect(other_sqlite)) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
    for path in (text_file, other_sqlite):
        result = runner.invoke(args=["restore", str(path), "--yes"])
        assert result.exit_code != 0, result.output
        assert "is not a Stepwise backup" in result.output
    db.session.remove()
    assert db.session.scalar(select(Organization.name)) == "Kept"


def _tallies_match_responses(path: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        responses = connection.execute("SELECT COUNT(*) FROM response").fetchone()[0]
        tallied = connection.execute("SELECT SUM(responses) FROM response_tally").fetchone()[0]
    return responses, tallied


def test_a_backup_taken_while_answers_arrive_is_consistent(
    sqlite_app: Flask, tmp_path: Path
) -> None:
    """Each answer writes a response and its tally in one transaction: a backup holds both."""
    seed_demo(today=TODAY)
    campaign_id, team_id = db.session.execute(
        select(Campaign.id, CampaignTeam.team_id)
        .join(CampaignTeam, CampaignTeam.campaign_id == Campaign.id)
        .order_by(Campaign.opens_at.desc())
        .limit(1)
    ).one()
    answers = {"recommend": 8}
    stop, written = threading.Event(), [0]

    def write() -> None:
        with sqlite_app.app_context():
            while not stop.is_set():
                record_response(campaign_id, team_id, answers, "a comment", TODAY)
                db.session.commit()
                written[0] += 1
            db.session.remove()

    writer = threading.Thread(target=write)
    writer.start()
    runner = sqlite_app.test_cli_runner()
    try:
        for number in range(5):
            target = tmp_path / f"during-{number}.backup"
            result = runner.invoke(args=["backup", str(target)])
            assert result.exit_code == 0, result.output
            responses, tallied = _tallies_match_responses(target)
            assert responses == tallied
    finally:
        stop.set()
        writer.join()
    assert written[0] > 0
    responses, tallied = _tallies_match_responses(tmp_path / "during-4.backup")
    assert responses > 848  # the demo's, plus answers written while backing up
