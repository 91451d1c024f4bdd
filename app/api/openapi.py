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
            "summary": "Active teams of the initiative's organisation, with headcounts",
            "description": "Archived teams (kept only for their history) are left out.",
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


# --- Leadership practices 360 ------------------------------------------------------------
_PRACTICE_KEYS = ["model", "inspire", "challenge", "enable", "encourage"]
_RELATIONSHIPS = ["manager", "peer", "direct_report", "other"]
_FLAG = {"type": ["string", "null"], "enum": ["over", "under", None]}
_BY_PRACTICE = {
    "type": ["object", "null"],
    "description": "mean practice score (6-60) per practice key; null while hidden",
    "additionalProperties": {"type": "number"},
}
SCHEMAS["Leader"] = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer", "description": "the leader's user id"},
        "name": {"type": "string"},
        "cycle_id": {
            "type": ["integer", "null"],
            "description": "their latest 360 in this initiative; null before one is opened",
        },
    },
}
SCHEMAS["PracticeScore"] = {
    "type": "object",
    "required": ["key", "name", "self", "observers", "observer_n"],
    "properties": {
        "key": {"type": "string", "enum": _PRACTICE_KEYS},
        "name": {"type": "string"},
        "self": {
            "type": ["integer", "null"],
            "description": "sum of the leader's six ratings, 6-60; null before the self-assessment",
        },
        "observers": {
            "type": ["number", "null"],
            "description": "observers' mean practice score, 6-60; null while the cycle is "
            "open and when fewer than min_observers answered",
        },
        "observer_n": {
            "type": ["integer", "null"],
            "description": "observers who answered; null while the cycle is open",
        },
        "gap": {"type": ["number", "null"], "description": "self - observers"},
        "flag": {**_FLAG, "description": "over/under when |gap| >= 6 points"},
    },
}
SCHEMAS["LeaderPractices"] = {
    "type": "object",
    "required": ["leader", "min_observers", "practices"],
    "properties": {
        "leader": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        },
        "min_observers": {"type": "integer", "minimum": 3},
        "cycle": {
            "type": "object",
            "description": "the cycle the figures come from; observer figures only once closed",
            "properties": {
                "id": {"type": "integer"},
                "initiative_id": {"type": "integer"},
                "opened_at": {"type": "string", "format": "date-time"},
                "closed": {"type": "boolean"},
                "closed_at": {"type": ["string", "null"], "format": "date-time"},
                "observers_answered": {
                    "type": "integer",
                    "description": "observers who answered, all relationships together",
                },
            },
        },
        "in_progress": {
            "type": ["object", "null"],
            "description": "the leader's open cycle when the figures come from an earlier, "
            "closed one: how many observers have answered so far, nothing else",
            "properties": {
                "id": {"type": "integer"},
                "opened_at": {"type": "string", "format": "date-time"},
                "observers_answered": {"type": "integer"},
            },
        },
        "observer_n": {"type": ["integer", "null"], "description": "null while open"},
        "observers_needed": {
            "type": ["integer", "null"],
            "description": "how many more observers it would have taken; null while open",
        },
        "practices": {"type": "array", "items": {"$ref": "#/components/schemas/PracticeScore"}},
        "groups": {
            "type": "array",
            "description": "per relationship, empty while the cycle is open; practices null "
            "unless the group may be shown on its own (status shown, or manager where the "
            "organisation allows it)",
            "items": {
                "type": "object",
                "properties": {
                    "relationship": {"type": "string", "enum": _RELATIONSHIPS},
                    "n": {"type": "integer"},
                    "status": {
                        "type": "string",
                        "enum": ["shown", "manager", "too_few", "protecting", "none"],
                    },
                    "observers_needed": {"type": "integer"},
                    "practices": _BY_PRACTICE,
                },
            },
        },
        "pooled": {
            "type": ["object", "null"],
            "description": "groups too small on their own, combined once large enough",
            "properties": {
                "relationships": {"type": "array", "items": {"type": "string"}},
                "n": {"type": "integer"},
                "practices": _BY_PRACTICE,
            },
        },
        "behaviours": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string"},
                    "number": {"type": "integer", "minimum": 1, "maximum": 30},
                    "practice": {"type": "string", "enum": _PRACTICE_KEYS},
                    "self": {"type": ["integer", "null"]},
                    "observers": {"type": ["number", "null"]},
                    "gap": {"type": ["number", "null"]},
                    "flag": {**_FLAG, "description": "over/under when |gap| >= 1.5 points"},
                },
            },
        },
    },
}
PATHS["/initiatives/{initiative_id}/leaders"] = {
    "get": {
        "summary": "The leadership team (executives) of the initiative's organisation, for the 360",
        "description": "Consultants and site admins get every executive of the organisation, "
        "with or without a 360; an executive gets only themself.",
        "parameters": [_id_param("initiative_id")],
        "responses": {"200": _ok(_list_of({"$ref": "#/components/schemas/Leader"})), **ERRORS},
    }
}
PATHS["/leaders/{leader_id}/practices"] = {
    "get": {
        "summary": "A leader's five practices, self vs observers, from their latest closed 360",
        "description": "Visible to the leader themself and to consultants and site admins of "
        "the cycle's organisation; anyone else, fellow executives included, gets 404. "
        "Observer figures are published only when a cycle is closed: while the latest cycle "
        "is open, the newest closed one is reported (in_progress tells how many observers "
        "answered the open one), or every observer figure and count is null when none is "
        "closed. The self-assessment of an open cycle is shown to the leader only. "
        "Observer figures are also null when fewer than min_observers answered.",
        "parameters": [
            _id_param("leader_id"),
            {
                "name": "cycle",
                "in": "query",
                "required": False,
                "schema": {"type": "integer"},
                "description": "a particular 360 of this leader instead of the latest closed "
                "one; figures null while it is open",
            },
        ],
        "responses": {
            "200": _ok({"$ref": "#/components/schemas/LeaderPractices"}),
            **ERRORS,
        },
    }
}


# --- Adoption and customer metrics ---------------------------------------------------------

SCHEMAS["Metric"] = {
    "type": "object",
    "required": ["key", "name", "unit", "direction", "target", "category"],
    "properties": {
        "key": {"type": "string", "description": "e.g. adoption_rate, csat"},
        "name": {"type": "string"},
        "unit": {"type": "string", "description": "%, score, logins/week, ..."},
        "direction": {"type": "string", "enum": ["higher", "lower"]},
        "target": {"type": ["number", "null"]},
        "target_date": {"type": ["string", "null"], "format": "date"},
        "category": {"type": "string", "enum": ["usage", "data_quality", "customer_outcome"]},
        "description": {"type": "string"},
        "custom": {"type": "boolean", "description": "added by a consultant"},
    },
}
SCHEMAS["ObservationIn"] = {
    "type": "object",
    "required": ["date", "metric", "value"],
    "properties": {
        "date": {"type": "string", "format": "date", "description": "start of the period"},
        "team": {
            "type": ["string", "null"],
            "description": "team name; empty or null for the whole initiative",
        },
        "metric": {"type": "string", "description": "a metric key of the catalogue"},
        "value": {"type": ["number", "string"]},
    },
}
SCHEMAS["ImportRejected"] = {
    "type": "object",
    "required": ["error", "rows"],
    "properties": {
        "error": {"type": "string"},
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["line", "message"],
                "properties": {
                    "line": {
                        "type": "integer",
                        "description": "1-based line of the CSV (the header is line 1), "
                        "or 1-based index in the observations array",
                    },
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


PATHS["/initiatives/{initiative_id}/metrics"] = {
    "get": {
        "summary": "The metric catalogue of the initiative (the defaults are created on first use)",
        "parameters": [_id_param("initiative_id")],
        "responses": {"200": _ok(_list_of({"$ref": "#/components/schemas/Metric"})), **ERRORS},
    },
    "post": {
        "summary": "Import observations, all or nothing (consultants only)",
        "parameters": [
            _id_param("initiative_id"),
            {
                "name": "on_conflict",
                "in": "query",
                "required": False,
                "description": "a period already stored is rejected unless 'replace'",
                "schema": {"type": "string", "enum": ["reject", "replace"], "default": "reject"},
            },
        ],
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "date,team,metric,value\n2026-06-01,Claims,csat,82\n"
                    "2026-06-01,,adoption_rate,64.5\n",
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["observations"],
                        "properties": {
                            "observations": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/ObservationIn"},
                            }
                        },
                    }
                },
            },
        },
        "responses": {
            "200": _ok(
                {
                    "type": "object",
                    "required": ["imported"],
                    "properties": {"imported": {"type": "integer"}},
                }
            ),
            "400": _error("on_conflict is neither 'reject' nor 'replace'"),
            "403": _error("Executives may read metrics but not import them"),
            "415": _error("The body is neither text/csv nor application/json"),
            "422": {
                "description": "Nothing was imported; every bad row with its line",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ImportRejected"}}
                },
            },
            **ERRORS,
        },
    },
}
PATHS["/initiatives/{initiative_id}/metrics/{key}"] = {
    "get": {
        "summary": "One metric's series for the whole initiative or one team",
        "parameters": [
            _id_param("initiative_id"),
            {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "team",
                "in": "query",
                "required": False,
                "description": "a team id; without it, the whole-initiative series",
                "schema": {"type": "integer"},
            },
        ],
        "responses": {
            "200": _ok(
                {
                    "type": "object",
                    "required": [
                        "metric",
                        "series",
                        "trend",
                        "projected_target_date",
                        "projection",
                    ],
                    "properties": {
                        "metric": {"$ref": "#/components/schemas/Metric"},
                        "team_id": {"type": ["integer", "null"]},
                        "suppressed": {
                            "type": "boolean",
                            "description": "true for a team under the reporting threshold: "
                            "its series is empty and it has no trend or projection",
                        },
                        "series": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["date", "value"],
                                "properties": {
                                    "date": {"type": "string", "format": "date"},
                                    "value": {"type": "number"},
                                },
                            },
                        },
                        "trend": {
                            "type": ["string", "null"],
                            "enum": ["rising", "plateau", "declining", None],
                        },
                        "projected_target_date": {"type": ["string", "null"], "format": "date"},
                        "projection_method": {
                            "type": ["string", "null"],
                            "enum": [
                                "already reached",
                                "s-curve",
                                "linear",
                                "not on the current trend",
                                None,
                            ],
                            "description": "how the date was projected; null without a target",
                        },
                        "projection": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/Projection"},
                                {"type": "null"},
                            ],
                            "description": "when the target is reached on the current course; "
                            "null without a target. Series that rise towards it are S-curves "
                            "weighed by how well they fit (docs/diagnosis-statistics.md)",
                        },
                    },
                }
            ),
            "400": _error("team is not an id"),
            **ERRORS,
        },
    }
}


# --- Pulse-survey results -------------------------------------------------------------------

SCHEMAS["SurveySummary"] = {
    "type": "object",
    "required": ["id", "title", "campaigns"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "campaigns": {
            "type": "array",
            "description": "oldest first",
            "items": {
                "type": "object",
                "required": ["id", "opens_at", "closes_at"],
                "properties": {
                    "id": {"type": "integer"},
                    "number": {"type": "integer", "description": "1 for the survey's first"},
                    "opens_at": {"type": "string", "format": "date-time"},
                    "closes_at": {
                        "type": "string",
                        "format": "date-time",
                        "description": "exclusive: 00:00 UTC after the last day",
                    },
                    "published": {
                        "type": "boolean",
                        "description": "results exist only once a closed campaign is published",
                    },
                },
            },
        },
    },
}
SCHEMAS["ResultGroup"] = {
    "type": "object",
    "required": ["team_id", "campaign_id", "responses", "suppressed", "dimensions", "enps"],
    "properties": {
        "team_id": {
            "type": ["integer", "null"],
            "description": "null for the whole organisation; a team's figures include its "
            "sub-teams",
        },
        "campaign_id": {"type": "integer"},
        "name": {"type": "string"},
        "responses": {
            "type": ["integer", "null"],
            "description": "null when suppressed: no count below the threshold is revealed",
        },
        "suppressed": {"type": "boolean"},
        "status": {"type": "string", "enum": ["shown", "too_few", "protecting"]},
        "reason": {
            "type": ["string", "null"],
            "description": "why a suppressed group is hidden: 'fewer than N responses', or "
            "hidden so that a smaller group cannot be worked out by subtraction",
        },
        "headcount": {"type": "integer", "description": "people asked (campaign snapshot)"},
        "response_rate": {"type": ["number", "null"], "description": "percent; null if hidden"},
        "dimensions": {
            "type": ["array", "null"],
            "description": "null when suppressed; resistance drivers read high = more resistance",
            "items": {
                "type": "object",
                "required": ["key", "mean", "favourable"],
                "properties": {
                    "key": {"type": "string", "description": "a dimension key of the library"},
                    "mean": {"type": "number", "description": "1-5 after reverse coding"},
                    "favourable": {"type": "number", "description": "% in the top two options"},
                },
            },
        },
        "enps": {
            "type": ["number", "null"],
            "description": "% promoters (9-10) minus % detractors (0-6); null when suppressed "
            "or not asked",
        },
    },
}
PATHS["/initiatives/{initiative_id}/surveys"] = {
    "get": {
        "summary": "Pulse surveys of the initiative with their campaigns",
        "parameters": [_id_param("initiative_id")],
        "responses": {
            "200": _ok(_list_of({"$ref": "#/components/schemas/SurveySummary"})),
            **ERRORS,
        },
    }
}
PATHS["/surveys/{survey_id}/results"] = {
    "get": {
        "summary": "A survey's results per campaign and team, with small groups suppressed",
        "description": "One group per campaign for the whole organisation (team_id null) and "
        "one per team asked, each covering its sub-teams. A group is shown only when the "
        "anonymity plan allows it: at least min_group_size responses, and not needed to "
        "protect a smaller group from subtraction. With ?team= the team and its sub-teams; "
        "with ?campaign= that campaign only (no paging fields). Without ?campaign=, published "
        "campaigns come a page at a time, newest first: ?page= (from 1) and ?per_page= "
        "(campaigns per page, default 4, at most 26); the answer adds page, per_page, the "
        "page's campaign ids and the next page's URL (null on the last page; a page past the "
        "end is empty). Unknown ids are 404; a bad page or per_page is 400.",
        "parameters": [
            _id_param("survey_id"),
            {"name": "campaign", "in": "query", "required": False, "schema": {"type": "integer"}},
            {"name": "team", "in": "query", "required": False, "schema": {"type": "integer"}},
            {
                "name": "page",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": "per_page",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": 26, "default": 4},
            },
        ],
        "responses": {
            "200": _ok(
                {
                    "type": "object",
                    "required": ["min_group_size", "groups"],
                    "properties": {
                        "min_group_size": {"type": "integer", "minimum": 3},
                        "min_comment_group_size": {"type": "integer"},
                        "groups": {
                            "type": "array",
                            "description": "without ?campaign=: the page's campaigns newest "
                            "first, each whole organisation then its teams",
                            "items": {"$ref": "#/components/schemas/ResultGroup"},
                        },
                        "page": {
                            "type": "integer",
                            "minimum": 1,
                            "description": "absent with ?campaign=",
                        },
                        "per_page": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 26,
                            "description": "absent with ?campaign=",
                        },
                        "campaigns": {
                            "type": "array",
                            "items": {"type": "integer"},
                            "description": "ids of the published campaigns on this page, "
                            "newest first; absent with ?campaign=",
                        },
                        "next": {
                            "type": ["string", "null"],
                            "description": "URL of the next page, null on the last; absent "
                            "with ?campaign=",
                        },
                    },
                }
            ),
            "400": _error("page or per_page is not a whole number in range"),
            **ERRORS,
        },
    }
}


# --- The diagnosis -----------------------------------------------------------------------

_STEP_KEY = {"type": "string", "enum": SCHEMAS["Stage"]["properties"]["key"]["enum"]}
SCHEMAS["Finding"] = {
    "type": "object",
    "required": ["kind", "severity", "title", "evidence", "suggestion"],
    "properties": {
        "kind": {
            "type": "string",
            "enum": [
                "stall",
                "skipped",
                "gap",
                "adoption",
                "barrier",
                "hotspot",
                "resistance",
                "driver",
                "actions",
                "leadership",
            ],
            "description": "'leadership' (the leadership team's weakest 360 practice) is "
            "given to consultants and site admins only",
        },
        "severity": {"type": "string", "enum": ["high", "medium", "low"]},
        "title": {"type": "string"},
        "evidence": {"type": "string", "description": "the numbers, periods and n behind it"},
        "suggestion": {"type": "string", "description": "an action tied to a Kotter step"},
        "step": {
            "type": ["string", "null"],
            "enum": [*_STEP_KEY["enum"], None],
            "description": "the Kotter step the evidence points at; null when nothing measured "
            "says which",
        },
        "teams": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
        },
        "period": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["from", "to"],
                    "properties": {
                        "from": {"type": "string", "format": "date"},
                        "to": {"type": "string", "format": "date"},
                    },
                },
                {"type": "null"},
            ],
            "description": "the weeks or the pulse the evidence covers",
        },
    },
}
SCHEMAS["Projection"] = {
    "type": "object",
    "required": ["state", "date", "interval"],
    "properties": {
        "state": {
            "type": "string",
            "enum": [
                "reached",
                "date",
                "too_few_weeks",
                "levelling_below_target",
                "flat_or_falling",
            ],
            "description": "too_few_weeks: under six weeks of values, "
            "or the weeks so far fit curves that reach the target and "
            "curves that level off short of it alike; "
            "levelling_below_target: rose, now heading for a level short "
            "of the target; flat_or_falling: no significant move towards "
            "the target (for a lower-is-better metric: flat or rising)",
        },
        "date": {
            "type": ["string", "null"],
            "format": "date",
            "description": "the projected date (state date), or the "
            "latest period (state reached); else null",
        },
        "interval": {
            "type": ["array", "null"],
            "items": {"type": "string", "format": "date"},
            "minItems": 2,
            "maxItems": 2,
            "description": "[low, high] around the projected date: the "
            "central 80 % of the dates the fitting curves reach the "
            "target; null unless state is date",
        },
        "chance": {
            "type": ["number", "null"],
            "minimum": 0,
            "maximum": 1,
            "description": "the weight of the fitting curves that reach "
            "the target within five years; null when nothing was fitted",
        },
    },
}
SCHEMAS["Outlook"] = {
    "type": "object",
    "description": "A usage metric for the whole initiative (team null) or a team at or above "
    "the reporting threshold: its recent trend and the date it reaches target on that course",
    "required": ["metric", "team_id", "latest", "target", "trend", "projected_target_date"],
    "properties": {
        "metric": {"type": "string"},
        "name": {"type": "string"},
        "unit": {"type": "string"},
        "team_id": {"type": ["integer", "null"]},
        "team": {"type": ["string", "null"]},
        "latest": {"type": "number"},
        "latest_date": {"type": "string", "format": "date"},
        "target": {"type": ["number", "null"]},
        "target_date": {"type": ["string", "null"], "format": "date"},
        "trend": {"type": ["string", "null"], "enum": ["rising", "plateau", "declining", None]},
        "slope": {"type": "number", "description": "Theil-Sen slope per period"},
        "p": {"type": "number", "description": "Mann-Kendall two-sided p"},
        "projected_target_date": {"type": ["string", "null"], "format": "date"},
        "projection_method": {"type": ["string", "null"]},
        "projection": {
            "oneOf": [{"$ref": "#/components/schemas/Projection"}, {"type": "null"}],
            "description": "as in the metric series endpoint",
        },
    },
}
SCHEMAS["Diagnosis"] = {
    "type": "object",
    "required": ["stall_point", "stages", "gaps", "findings"],
    "properties": {
        "stall_point": {
            **_STEP_KEY,
            "type": ["string", "null"],
            "description": "the first step, in order, with health under 50 while a later "
            "step is under way",
        },
        "as_of": {"type": "string", "format": "date"},
        "min_group_size": {"type": "integer"},
        "stages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "health"],
                "properties": {
                    "key": _STEP_KEY,
                    "health": {"type": "number", "minimum": 0, "maximum": 100},
                    "position": {"type": "integer"},
                    "status": {"type": "string"},
                    "leaders": {"type": ["number", "null"]},
                    "leader_n": {"type": "integer"},
                    "staff": {"type": ["number", "null"]},
                    "staff_n": {"type": "integer"},
                    "stalled": {"type": "boolean"},
                },
            },
        },
        "gaps": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "leaders", "staff", "gap"],
                "properties": {
                    "key": _STEP_KEY,
                    "leaders": {"type": "number", "description": "leaders' latest round, 1-5"},
                    "staff": {"type": "number", "description": "staff's newest pulse, 1-5"},
                    "gap": {"type": "number", "description": "leaders minus staff"},
                    "leader_n": {"type": "integer"},
                    "staff_n": {"type": "integer"},
                    "large": {"type": "boolean"},
                },
            },
        },
        "findings": {
            "type": "array",
            "description": "most severe first; the dashboard shows the first three",
            "items": {"$ref": "#/components/schemas/Finding"},
        },
        "adoption": {
            "oneOf": [{"$ref": "#/components/schemas/Outlook"}, {"type": "null"}],
            "description": "the whole initiative's adoption rate",
        },
        "series": {"type": "array", "items": {"$ref": "#/components/schemas/Outlook"}},
        "overdue_actions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "stage": _STEP_KEY,
                    "owner": {"type": ["string", "null"]},
                    "due_date": {"type": "string", "format": "date"},
                },
            },
        },
    },
}
PATHS["/initiatives/{initiative_id}/diagnosis"] = {
    "get": {
        "summary": "Where the rollout is stalling: step health, the stall point, "
        "leaders-versus-staff gaps and the findings (the dashboard's diagnosis)",
        "parameters": [_id_param("initiative_id")],
        "responses": {"200": _ok({"$ref": "#/components/schemas/Diagnosis"}), **ERRORS},
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
