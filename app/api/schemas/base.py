"""What every API shape shares: the base model, timestamps, lists, errors and audiences.

Each shape is one pydantic model that both serialises an answer and, through
``model_json_schema``, describes it in ``/api/v1/openapi.json``; the two cannot
disagree because there is nothing else to disagree with.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema

# Who reads an answer: consultants (and site admins) may see more than executives.
Audience = Literal["executive", "consultant"]
EXECUTIVE: Audience = "executive"
CONSULTANT: Audience = "consultant"

# Timestamps keep Python's ISO 8601 form ("+00:00"), as the API always gave them.
Timestamp = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class ApiModel(BaseModel):
    """A JSON shape of the API. Fields are published by their alias (``self``, ``from``)."""

    model_config = ConfigDict(
        populate_by_name=True,
        frozen=True,
        # Every field is always sent, so the published schema requires them all.
        json_schema_serialization_defaults_required=True,
    )

    def shown_to(self, audience: Audience) -> bool:
        """Whether this object appears in a list of an answer for ``audience``: a shape that
        differs by audience overrides this, and :func:`answer` leaves out the rest."""
        return True


class Error(ApiModel):
    """Every 4xx answer: a message for a person."""

    error: str


ItemT = TypeVar("ItemT", bound=ApiModel)


class Items(ApiModel, Generic[ItemT]):
    """A list answer: ``{"items": [...]}``."""

    items: list[ItemT]


def exclusions(model: ApiModel, audience: Audience) -> dict[Any, Any]:
    """What ``audience`` may not see in ``model``, as pydantic's ``exclude`` argument.

    Walks only the shapes that declare something for consultants only, so a
    large answer without any (pulse results) costs nothing here.
    """
    hidden: dict[Any, Any] = {}
    if audience == CONSULTANT or not _projected(type(model)):
        return hidden
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, ApiModel):
            if inner := exclusions(value, audience):
                hidden[name] = inner
        elif isinstance(value, list):
            items = {
                index: exclusions(item, audience) if item.shown_to(audience) else True
                for index, item in enumerate(value)
                if isinstance(item, ApiModel)
            }
            if items := {index: inner for index, inner in items.items() if inner}:
                hidden[name] = items
    return hidden


@cache
def _projected(cls: type[ApiModel]) -> bool:
    """Whether ``cls`` or any shape inside it hides something from executives."""
    if cls.shown_to is not ApiModel.shown_to:
        return True
    return any(
        _projected(inner)
        for field in cls.model_fields.values()
        for inner in _models_in(field.annotation)
    )


def _models_in(annotation: Any) -> Iterator[type[ApiModel]]:
    if isinstance(annotation, type) and issubclass(annotation, ApiModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_in(arg)
