"""Usage outlooks are computed when their data change, stored, and always exact when read."""

from __future__ import annotations

from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from app.demo import seed_demo
from app.services import diagnosis, metrics, outlooks
from models import Initiative, Metric, Observation, Organization, SeriesOutlook, db

DEMO = "Northwind Mutual"


def _demo() -> Initiative:
    seed_demo()
    db.session.commit()
    return db.session.scalars(
        select(Initiative).join(Organization).where(Organization.name == DEMO)
    ).one()


def _series(initiative: Initiative) -> dict[tuple[int, int | None], tuple[Metric, list, list]]:
    found: dict[tuple[int, int | None], tuple[Metric, list, list]] = {}
    for metric, team_id, period, value in db.session.execute(
        select(Metric, Observation.team_id, Observation.period, Observation.value)
        .join(Observation, Observation.metric_id == Metric.id)
        .where(Metric.initiative_id == initiative.id, Metric.category == "usage")
        .order_by(Observation.period)
    ):
        _, periods, values = found.setdefault((metric.id, team_id), (metric, [], []))
        periods.append(period)
        values.append(value)
    return found


def test_every_stored_outlook_equals_a_recount_from_the_observations(app) -> None:  # type: ignore[no-untyped-def]
    initiative = _demo()
    series = _series(initiative)
    stored = outlooks.stored_outlooks(sorted({metric.id for metric, _, _ in series.values()}))
    assert set(stored) == set(series)  # the demo's load stored every series
    outlooks._computed.cache_clear()
    for key, (metric, periods, values) in series.items():
        fingerprint, outlook = stored[key]
        assert fingerprint == outlooks.fingerprint(metric, periods, values)
        assert outlook == outlooks._computed.__wrapped__(*outlooks._inputs(metric, periods, values))


def test_an_import_or_a_new_target_refits_only_what_changed(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    initiative = _demo()
    series = _series(initiative)
    rows_before = db.session.scalar(select(func.count()).select_from(SeriesOutlook))
    assert outlooks.refresh(initiative.id) == 0  # nothing changed since the demo stored them
    # One more week for the whole initiative's adoption rate: one series refitted.
    adoption = metrics.metric_by_key(initiative, "adoption_rate")
    assert adoption is not None
    metric, periods, values = series[(adoption.id, None)]
    week = periods[-1] + timedelta(weeks=1)
    plan = metrics.plan_json(
        initiative,
        {
            "observations": [
                {"date": week.isoformat(), "metric": "adoption_rate", "value": values[-1] - 9}
            ]
        },
    )
    assert not plan.errors, plan.errors
    metrics.apply_plan(plan)
    db.session.commit()
    fingerprints = {
        (m, t): f
        for m, t, f in db.session.execute(
            select(SeriesOutlook.metric_id, SeriesOutlook.team_id, SeriesOutlook.fingerprint)
        )
    }
    assert len(fingerprints) == rows_before
    assert fingerprints[(adoption.id, None)] == outlooks.fingerprint(
        metric, [*periods, week], [*values, values[-1] - 9]
    )
    # A new target refits that metric's series and nothing else.
    metrics.set_target(adoption, 90.0, date(2027, 6, 30))  # commits
    stored = outlooks.stored_outlooks(list({metric_id for metric_id, _ in fingerprints}))
    changed = {key for key, (f, _) in stored.items() if f != fingerprints[key]}
    assert changed == {key for key in series if key[0] == adoption.id}


def test_a_stored_outlook_that_is_not_of_the_series_read_is_never_used(app) -> None:  # type: ignore[no-untyped-def]
    initiative = _demo()
    adoption = metrics.metric_by_key(initiative, "adoption_rate")
    assert adoption is not None
    # Someone wrote observations behind the service's back: the stored row no longer fits.
    db.session.execute(
        update(Observation)
        .where(Observation.metric_id == adoption.id, Observation.team_id.is_(None))
        .values(value=Observation.value / 4)
    )
    # ...and a forged row claims the series has reached its target.
    db.session.execute(
        update(SeriesOutlook)
        .where(SeriesOutlook.metric_id == adoption.id, SeriesOutlook.team_id.is_(None))
        .values(trend=["rising", 9.9, 0.0, 12])
    )
    db.session.commit()
    found = diagnosis.diagnose(initiative).adoption
    assert found is not None
    _, periods, values = _series(initiative)[(adoption.id, None)]
    assert found.trend == outlooks.outlook_of(adoption, periods, values)[0]
    assert found.trend.slope != 9.9
