"""The OpenAPI 3 description of the JSON API, kept beside the views it describes."""

from __future__ import annotations

from typing import Any


def _list_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": schema}},
    }


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _id_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "404": {"$ref": "#/components/responses/NotFound"},
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}},
    },
    "Organization": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    },
    "Initiative": {
        "type": "object",
        "required": ["id", "name", "crm", "start_date", "go_live_date", "licensed_seats"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "crm": {"type": "string"},
            "start_date": {"type": "string", "format": "date"},
            "go_live_date": {"type": ["string", "null"], "format": "date"},
            "licensed_seats": {"type": "integer"},
        },
    },
    "Team": {
        "type": "object",
        "required": ["id", "name", "parent_id", "headcount"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "parent_id": {"type": ["integer", "null"]},
            "headcount": {"type": "integer"},
        },
    },
}

SCHEMAS["Stage"] = {
    "type": "object",
    "required": [
        "key", "position", "name", "status", "owner", "evidence_done", "evidence_total",
        "leader_mean", "leader_spread", "leader_n", "open_actions", "overdue_actions",
    ],
    "properties": {
        "key": {
            "type": "string",
            "enum": [
                "urgency", "coalition", "vision", "communicate",
                "empower", "wins", "consolidate", "anchor",
            ],
        },
        "position": {"type": "integer", "minimum": 1, "maximum": 8},
        "name": {"type": "string"},
        "status": {"type": "string", "enum": ["not_started", "in_progress", "done"]},
        "owner": {"type": ["string", "null"], "description": "the owner's name"},
        "owner_id": {"type": ["integer", "null"]},
        "target_date": {"type": ["string", "null"], "format": "date"},
        "evidence_done": {"type": "integer"},
        "evidence_total": {"type": "integer"},
        "leader_mean": {"type": ["number", "null"], "description": "latest round, 1-5"},
        "leader_spread": {"type": ["integer", "null"], "description": "max - min rating"},
        "leader_sd": {"type": ["number", "null"]},
        "leader_n": {"type": "integer"},
        "leader_disagreement": {"type": "boolean"},
        "open_actions": {"type": "integer"},
        "overdue_actions": {"type": "integer"},
    },
}  # fmt: skip

# Later features add their paths here, next to their schemas.
PATHS: dict[str, Any] = {
    "/organizations": {
        "get": {
            "summary": "Organisations the caller belongs to (all of them for site admins)",
            "responses": {
                "200": _ok(_list_of({"$ref": "#/components/schemas/Organization"})),
                **ERRORS,
            },
        }
    },
    "/organizations/{organization_id}/initiatives": {
        "get": {
            "summary": "CRM initiatives of an organisation",
            "parameters": [_id_param("organization_id")],
            "responses": {
                "200": _ok(_list_of({"$ref": "#/components/schemas/Initiative"})),
                **ERRORS,
            },
        }
    },
    "/initiatives/{initiative_id}/teams": {
        "get": {
            "summary": "Teams of the initiative's organisation, with headcounts",
            "parameters": [_id_param("initiative_id")],
            "responses": {"200": _ok(_list_of({"$ref": "#/components/schemas/Team"})), **ERRORS},
        }
    },
}


PATHS["/initiatives/{initiative_id}/stages"] = {
    "get": {
        "summary": "Kotter's eight steps with status, evidence, leaders' ratings and warnings",
        "parameters": [_id_param("initiative_id")],
        "responses": {
            "200": _ok(
                {
                    "type": "object",
                    "required": ["stages", "warnings"],
                    "properties": {
                        "stages": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Stage"},
                        },
                        "warnings": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["stage", "message"],
                                "properties": {
                                    "stage": {"type": "string"},
                                    "earlier": {"type": "string"},
                                    "message": {"type": "string"},
                                },
                            },
                        },
                    },
                }
            ),
            **ERRORS,
        },
    }
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Stepwise API",
            "version": "1",
            "description": "Track a CRM rollout as an organisational change. "
            'Errors are {"error": message}; lists are {"items": [...]}.',
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": {
                "Unauthorized": {
                    "description": "Missing or invalid bearer token",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
                "NotFound": {
                    "description": "No such object among the caller's organisations",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        },
    }
