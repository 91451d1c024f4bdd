"""``/api/v1/openapi.json``, generated from the routes and the models that serialise them.

Each view declares its :class:`Operation` (summary, query parameters, answer
model, errors) with :func:`documented`; paths and path parameters come from
the URL map and every schema from the pydantic models, so the document cannot
describe a route, a field or a type the API does not have.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from pydantic_core import core_schema

from app.api.schemas.base import ApiModel, Error

REF = "#/components/schemas/{model}"
View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Query:
    """A query parameter: its name, JSON Schema and meaning."""

    name: str
    schema: Mapping[str, Any]
    description: str = ""


@dataclass(frozen=True)
class Operation:
    """What the document says about one route and method.

    ``answers`` are the models a 200 may be (several: any of them); ``errors``
    the statuses beyond 401, 404 and 429 with their meaning, answered as ``Error``
    unless ``error_models`` names another shape; ``body`` the request body's
    schema per media type (a model, or a JSON Schema).
    """

    summary: str
    answers: Sequence[type[ApiModel]]
    description: str = ""
    query: Sequence[Query] = ()
    errors: Mapping[int, str] = field(default_factory=dict)
    error_models: Mapping[int, type[ApiModel]] = field(default_factory=dict)
    body: Mapping[str, type[ApiModel] | Mapping[str, Any]] = field(default_factory=dict)


OPERATIONS: dict[Callable[..., Any], Operation] = {}


def documented(operation: Operation) -> Callable[[View], View]:
    """Attach ``operation`` to a view; a route without one fails the document."""

    def register(view: View) -> View:
        OPERATIONS[view] = operation
        return view

    return register


class _Schema(GenerateJsonSchema):
    """pydantic's JSON Schema, without a title on every property (they only repeat the
    name) and with list shapes named like their items (``Items[Team]`` is ``TeamList``)."""

    def field_title_should_be_set(self, schema: core_schema.CoreSchemaType) -> bool:  # type: ignore[override]
        return False

    def normalize_name(self, name: str) -> str:
        listed = re.fullmatch(r"Items\[(?:[\w.]+\.)?(\w+)\]", name)
        return super().normalize_name(f"{listed[1]}List" if listed else name)


def openapi_document(app: Flask, prefix: str, itself: str) -> dict[str, Any]:
    """The document for every route under ``prefix`` but ``itself`` (the document's endpoint)."""
    refs, schemas = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if not rule.rule.startswith(prefix + "/") or rule.endpoint == itself:
            continue
        operation = OPERATIONS.get(app.view_functions[rule.endpoint])
        if operation is None:
            raise LookupError(f"{rule.endpoint} has no Operation: add @documented")
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(prefix))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule.rule, operation, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Stepwise API",
            "version": "1",
            "description": "Track a CRM rollout as an organisational change. "
            'Errors are {"error": message}; lists are {"items": [...]}.',
        },
        "servers": [{"url": prefix}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
            "responses": {
                "Unauthorized": _answer("Missing or invalid bearer token", refs[Error]),
                "NotFound": _answer("No such object among the caller's organisations", refs[Error]),
                "TooManyRequests": _answer(
                    "Too many requests from this token or address (app/limits.py); "
                    "the Retry-After header says after how many seconds to try again",
                    refs[Error],
                ),
            },
        },
    }


Refs = dict[type[ApiModel], dict[str, Any]]


def _schemas() -> tuple[Refs, dict[str, Any]]:
    """Each model's ``$ref``, and the schemas of every model the operations name."""
    models: set[type[ApiModel]] = {Error}
    for operation in OPERATIONS.values():
        models.update(operation.answers, operation.error_models.values())
        models.update(m for m in operation.body.values() if isinstance(m, type))
    found, document = models_json_schema(
        [(model, "serialization") for model in sorted(models, key=lambda m: m.__name__)],
        ref_template=REF,
        schema_generator=_Schema,
    )
    refs: Refs = {
        model: dict(schema)
        for (model, _), schema in found.items()
        if isinstance(model, type) and issubclass(model, ApiModel)
    }
    defs: dict[str, Any] = document.get("$defs", {})
    return refs, dict(sorted(defs.items()))


def _answer(description: str, *schemas: dict[str, Any]) -> dict[str, Any]:
    schema = schemas[0] if len(schemas) == 1 else {"anyOf": list(schemas)}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(rule: str, operation: Operation, refs: Refs) -> dict[str, Any]:
    path_parameters = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer" if converter == "int" else "string"}}
        for converter, name in re.findall(r"<(?:([^:<>]+):)?([^<>]+)>", rule)
    ]  # fmt: skip
    query = [
        {"name": q.name, "in": "query", "required": False, "schema": dict(q.schema)}
        | ({"description": q.description} if q.description else {})
        for q in operation.query
    ]
    responses: dict[str, Any] = {"200": _answer("OK", *(refs[m] for m in operation.answers))}
    for status, description in sorted(operation.errors.items()):
        model = operation.error_models.get(status, Error)
        responses[str(status)] = _answer(description, refs[model])
    responses["401"] = {"$ref": "#/components/responses/Unauthorized"}
    responses["404"] = {"$ref": "#/components/responses/NotFound"}
    responses["429"] = {"$ref": "#/components/responses/TooManyRequests"}
    described: dict[str, Any] = {"summary": operation.summary}
    if operation.description:
        described["description"] = operation.description
    if path_parameters or query:
        described["parameters"] = path_parameters + query
    if operation.body:
        content = {
            media: {"schema": refs[schema] if isinstance(schema, type) else dict(schema)}
            for media, schema in operation.body.items()
        }
        described["requestBody"] = {"required": True, "content": content}
    described["responses"] = responses
    return described
