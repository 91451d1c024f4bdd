"""Schemathesis against ``/api/v1/openapi.json``: no 500 and every answer as documented.

Each operation of the published document is fed generated requests (valid and invalid
query strings, bodies and ids) on the demo, with a consultant's bearer token, through
the app's own WSGI interface. Every answer must be a non-5xx with a status, a content
type and a body the document declares for that operation. The path ids are the demo's
real ones (ids that exist reach the code behind the 404), plus one run with generated
ids; examples are few and derandomized so the run is quick and the same every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from app.demo import DEMO_LOGINS, seed_demo
from models import Initiative, Organization, Survey, User, db
from tests.builders import api_headers

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25


def _demo_ids() -> dict[str, Any]:
    """A real id for every path parameter of the document."""
    initiative = db.session.scalars(select(Initiative)).one()
    consultant = next(login.email for login in DEMO_LOGINS if login.role == "consultant")
    executive = next(login.email for login in DEMO_LOGINS if login.role == "executive")
    return {
        "organization_id": db.session.scalars(select(Organization.id)).first(),
        "initiative_id": initiative.id,
        "survey_id": db.session.scalars(select(Survey.id).order_by(Survey.id)).first(),
        "leader_id": db.session.scalars(select(User.id).where(User.email == executive)).one(),
        "key": "adoption_rate",
        "consultant": consultant,
    }


@pytest.fixture
def demo_api(
    app: Flask, make_app: Callable[..., Flask]
) -> tuple[schemathesis.schemas.BaseSchema, dict[str, Any], dict[str, str]]:
    """The demo, and the document of an app without abuse limits (hundreds of requests a
    minute would otherwise be answered 429, documented but testing nothing behind it)."""
    seed_demo()
    db.session.commit()
    ids = _demo_ids()
    user = db.session.scalars(select(User).where(User.email == ids.pop("consultant"))).one()
    # The app compresses for clients that accept it; the checks read the body as sent.
    headers = {**api_headers(user), "Accept-Encoding": "identity"}
    unlimited = make_app(STEPWISE_RATELIMIT_ENABLED=False)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", unlimited)
    return schema, ids, headers


def _exercise(
    schema: schemathesis.schemas.BaseSchema,
    headers: dict[str, str],
    mode: GenerationMode,
    ids: dict[str, Any] | None,
) -> list[str]:
    """Run every operation; the label of each that failed, with why."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the document itself is valid
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        fixed = {name: value for name, value in (ids or {}).items() if name in names}
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as failure:  # noqa: BLE001 - every operation is reported, not the first
            failures.append(f"{operation.label}: {failure}")
    return failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_documented_on_the_demo(
    demo_api: tuple[schemathesis.schemas.BaseSchema, dict[str, Any], dict[str, str]],
    mode: GenerationMode,
) -> None:
    schema, ids, headers = demo_api
    failures = _exercise(schema, headers, mode, ids)
    assert not failures, "\n\n".join(failures)


def test_generated_ids_answer_as_documented(
    demo_api: tuple[schemathesis.schemas.BaseSchema, dict[str, Any], dict[str, str]],
) -> None:
    schema, _, headers = demo_api
    failures = _exercise(schema, headers, GenerationMode.POSITIVE, None)
    assert not failures, "\n\n".join(failures)
