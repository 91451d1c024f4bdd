"""API answers validate against the OpenAPI document the API publishes about itself."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from sqlalchemy import select

from app.demo import DEMO_LOGINS, seed_demo
from app.services import accounts
from models import Initiative, User, db


def _validator(document: dict[str, Any], schema: str) -> Draft202012Validator:
    # The component refs ("#/components/schemas/X") resolve against this root.
    root = {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
    return Draft202012Validator(root)


def test_the_diagnosis_answer_follows_its_published_schema(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    seed_demo()
    db.session.commit()
    initiative = db.session.scalars(select(Initiative)).one()
    document = client.get("/api/v1/openapi.json").json
    assert document is not None
    validator = _validator(document, "Diagnosis")
    for role in ("executive", "consultant"):
        email = next(login.email for login in DEMO_LOGINS if login.role == role)
        user = db.session.scalars(select(User).where(User.email == email)).one()
        token = accounts.create_api_token(user)
        db.session.commit()
        body = client.get(
            f"/api/v1/initiatives/{initiative.id}/diagnosis",
            headers={"Authorization": f"Bearer {token}"},
        ).json
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(body)]
        assert errors == [], errors[:5]
        # The drift that once slipped through: findings without a step, and team objects.
        assert any(f["step"] is None for f in body["findings"])
        hotspot = next(f for f in body["findings"] if f["kind"] == "hotspot")
        assert hotspot["teams"][0]["name"] == "Sales North" and hotspot["teams"][0]["id"]
        assert set(hotspot["period"]) == {"from", "to"}
