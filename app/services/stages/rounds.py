"""Assessment rounds: the leaders rate the eight steps, and how those ratings moved.

Leaders rate openly, by name (a workshop participant under the name they
typed); a round's spread and disagreement flags follow the rules of
:mod:`insights.stages`. ``create_round``, ``save_ratings`` and ``close_round``
are whole actions and commit; ``new_round``, ``record_ratings`` and
``mark_round_closed`` only flush, for an action made of several steps (a
workshop saved as a round, the demo).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.services.errors import ServiceError
from app.services.transaction import commit
from insights.kotter import STEPS, STEPS_BY_KEY, Step
from insights.stages import RATING_MAX, RATING_MIN, RatingSummary
from models import AssessmentRating, AssessmentRound, Initiative, User, db
from models.base import utcnow

NOT_RATED = RatingSummary(0, None, None, None, None)


@dataclass(frozen=True)
class RatingInput:
    score: int
    comment: str = ""


def new_round(
    initiative: Initiative, name: str, held_on: date, by: User, *, source: str | None = None
) -> AssessmentRound:
    """A round of the initiative (flushed, not committed)."""
    assessment = AssessmentRound(
        initiative_id=initiative.id, name=name.strip(), held_on=held_on, created_by_id=by.id
    )
    if source is not None:
        assessment.source = source
    db.session.add(assessment)
    db.session.flush()
    return assessment


def create_round(initiative: Initiative, name: str, held_on: date, by: User) -> AssessmentRound:
    assessment = new_round(initiative, name, held_on, by)
    commit()
    return assessment


def record_ratings(
    assessment: AssessmentRound,
    rater: str,
    rater_name: str,
    ratings: Mapping[str, RatingInput],
) -> None:
    """Store (or replace) one rater's ratings; every step is checked before any is stored."""
    if assessment.closed_at is not None:
        raise ServiceError(_("This round is closed; it accepts no more ratings."))
    for key, rating in ratings.items():
        if key not in STEPS_BY_KEY:
            raise ServiceError(_("There is no step %(key)s.", key=repr(key)))
        if not RATING_MIN <= rating.score <= RATING_MAX:
            raise ServiceError(
                _(
                    "Ratings go from %(low)s to %(high)s; %(score)s is not possible.",
                    low=RATING_MIN,
                    high=RATING_MAX,
                    score=rating.score,
                ),
                f"score_{key}",
            )
    existing = ratings_by(assessment, rater)
    for key, rating in ratings.items():
        row = existing.get(key) or AssessmentRating(
            round_id=assessment.id, rater=rater, stage_key=key
        )
        row.rater_name = rater_name
        row.score = rating.score
        row.comment = rating.comment.strip()
        db.session.add(row)
    db.session.flush()


def save_ratings(
    assessment: AssessmentRound,
    rater: str,
    rater_name: str,
    ratings: Mapping[str, RatingInput],
) -> None:
    """One rater's ratings in a round, replacing their earlier ones."""
    record_ratings(assessment, rater, rater_name, ratings)
    commit()


def mark_round_closed(assessment: AssessmentRound) -> None:
    """No more ratings; the first closing time stays (flushed, not committed)."""
    assessment.closed_at = assessment.closed_at or utcnow()
    db.session.flush()


def close_round(assessment: AssessmentRound) -> None:
    mark_round_closed(assessment)
    commit()


def rater_key(user: User) -> str:
    """How a logged-in leader is known within a round (workshop participants differ)."""
    return f"user:{user.id}"


def round_by_id(round_id: int) -> AssessmentRound | None:
    return db.session.get(AssessmentRound, round_id)


def ratings_by(assessment: AssessmentRound, rater: str) -> dict[str, AssessmentRating]:
    """One rater's current ratings in a round, by step key."""
    return {
        rating.stage_key: rating
        for rating in db.session.scalars(
            select(AssessmentRating).where(
                AssessmentRating.round_id == assessment.id, AssessmentRating.rater == rater
            )
        )
    }


def rounds_of(initiative: Initiative) -> list[AssessmentRound]:
    return list(
        db.session.scalars(
            select(AssessmentRound)
            .where(AssessmentRound.initiative_id == initiative.id)
            .order_by(AssessmentRound.held_on.desc(), AssessmentRound.id.desc())
        )
    )


def round_summaries(round_ids: list[int]) -> dict[int, dict[str, RatingSummary]]:
    """Per round and step: n, mean, range and sample SD, aggregated in the database."""
    if not round_ids:
        return {}
    score = AssessmentRating.score
    rows = db.session.execute(
        select(
            AssessmentRating.round_id,
            AssessmentRating.stage_key,
            func.count(score),
            func.avg(score * 1.0),
            func.min(score),
            func.max(score),
            func.sum(score * score),
            func.sum(score),
        )
        .where(AssessmentRating.round_id.in_(round_ids))
        .group_by(AssessmentRating.round_id, AssessmentRating.stage_key)
    ).all()
    summaries: dict[int, dict[str, RatingSummary]] = {round_id: {} for round_id in round_ids}
    for round_id, key, n, mean, low, high, sum_sq, total in rows:
        sd = None
        if n >= 2:
            # Sample variance from the sums: (sum of squares - sum^2 / n) / (n - 1).
            variance = (float(sum_sq) - float(total) ** 2 / n) / (n - 1)
            sd = max(variance, 0.0) ** 0.5
        summaries[round_id][key] = RatingSummary(int(n), float(mean), int(low), int(high), sd)
    return summaries


def rater_counts(round_ids: list[int]) -> dict[int, int]:
    """How many people rated in each round (any step)."""
    if not round_ids:
        return {}
    return {
        round_id: int(raters)
        for round_id, raters in db.session.execute(
            select(AssessmentRating.round_id, func.count(func.distinct(AssessmentRating.rater)))
            .where(AssessmentRating.round_id.in_(round_ids))
            .group_by(AssessmentRating.round_id)
        ).all()
    }


@dataclass(frozen=True)
class StepResult:
    """One step in one round, and how its mean moved since the step was last rated."""

    step: Step
    summary: RatingSummary
    movement: float | None


@dataclass(frozen=True)
class RoundResult:
    round: AssessmentRound
    raters: int
    steps: list[StepResult]

    @property
    def disagreements(self) -> list[Step]:
        return [result.step for result in self.steps if result.summary.disagreement]


def round_history(initiative: Initiative) -> list[RoundResult]:
    """Every round of the initiative, newest first, in three queries whatever their number.

    Movement compares a step's mean with the same step in the nearest older
    round in which anybody rated it, so a round started but not yet rated
    does not break the line.
    """
    rounds = rounds_of(initiative)
    ids = [assessment.id for assessment in rounds]
    summaries = round_summaries(ids)
    raters = rater_counts(ids)
    results: list[RoundResult] = []
    for index, assessment in enumerate(rounds):
        steps = []
        for step in STEPS:
            summary = summaries[assessment.id].get(step.key, NOT_RATED)
            previous = next(
                (
                    summaries[older.id][step.key]
                    for older in rounds[index + 1 :]
                    if step.key in summaries[older.id]
                ),
                None,
            )
            movement = (
                summary.mean - previous.mean
                if summary.mean is not None and previous is not None and previous.mean is not None
                else None
            )
            steps.append(StepResult(step, summary, movement))
        results.append(RoundResult(assessment, raters.get(assessment.id, 0), steps))
    return results


@dataclass(frozen=True)
class RatingComment:
    rater_name: str
    score: int
    comment: str


def round_comments(assessment: AssessmentRound) -> dict[str, list[RatingComment]]:
    """The comments of a round by step key, attributed: leaders assess openly, by name."""
    comments: dict[str, list[RatingComment]] = {}
    for rater_name, key, score, comment in db.session.execute(
        select(
            AssessmentRating.rater_name,
            AssessmentRating.stage_key,
            AssessmentRating.score,
            AssessmentRating.comment,
        )
        .where(AssessmentRating.round_id == assessment.id, AssessmentRating.comment != "")
        .order_by(AssessmentRating.rater_name, AssessmentRating.id)
    ):
        comments.setdefault(key, []).append(RatingComment(rater_name, score, comment))
    return comments


def latest_rated_round(initiative: Initiative) -> AssessmentRound | None:
    return db.session.scalar(
        select(AssessmentRound)
        .where(
            AssessmentRound.initiative_id == initiative.id,
            AssessmentRound.id.in_(select(AssessmentRating.round_id)),
        )
        .order_by(AssessmentRound.held_on.desc(), AssessmentRound.id.desc())
        .limit(1)
    )
