"""The pulse answer form, built from the items of the version a campaign asks.

As the 360 forms are built from the behaviours (``app.practices.forms``), a
pulse's form class is generated from its items: one field per scored
statement, named ``item-<key>``, and the comment when the pulse asks for one.
The class is made once per version's items and kept, so the answer path pays
only for binding the fields.

Two kinds of problem, told apart on the page: what no honest form sends (a
statement that is not in the pulse, a value off its scale, two answers to one
statement) refuses the whole submission; a required statement left
unanswered, or a comment too long, brings the form back with everything kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form
from wtforms.validators import StopValidation

from app.services.pulse import COMMENT_FIELD, ITEM_PREFIX, MAX_COMMENT
from app.templating import format_number
from survey.instruments import SCALES, TEXT, Item
from survey.languages import N_

MISSING = N_("Choose an answer to this statement.")
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,3}")


class StatementField(Field):
    """One statement's answer: a whole number on its scale, given at most once.

    Blank values count as no answer. ``refused`` is set for a value no honest
    form sends.
    """

    def __init__(self, label: str, *, item: Item, number: int, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.item = item
        self.number = number
        self.given: list[str] = []
        self.refused = False

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.given = [str(value).strip() for value in valuelist if str(value).strip()]
        low, high = SCALES[self.item.scale]
        if len(self.given) == 1 and _WHOLE_NUMBER.fullmatch(self.given[0]):
            value = int(self.given[0])
            self.data = value if low <= value <= high else None

    def pre_validate(self, form: Form) -> None:
        low, high = SCALES[self.item.scale]
        if len(self.given) > 1:
            self._refuse(_("Statement %(num)s was answered more than once.", num=self.number))
        if self.given and self.data is None:
            self._refuse(
                _(
                    "“%(value)s” is not an answer to statement %(num)s; "
                    "choose from %(low)s to %(high)s.",
                    value=self.given[0][:10],
                    num=self.number,
                    low=low,
                    high=high,
                )
            )
        if not self.given and self.item.required:
            raise StopValidation(_(MISSING))

    def _refuse(self, message: str) -> None:
        self.refused = True
        raise StopValidation(message)


class CommentField(Field):
    """The free-text comment: every value sent, joined; NUL characters dropped
    (PostgreSQL refuses them in text, and nobody types them)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = " ".join(str(value) for value in valuelist).replace("\x00", "").strip()

    def pre_validate(self, form: Form) -> None:
        if len(self.data or "") > MAX_COMMENT:
            raise StopValidation(
                _(
                    "Your comment: keep it under %(num)s characters",
                    num=format_number(MAX_COMMENT),
                )
            )


class AnswerForm(Form):
    """Base of the generated forms (``answer_form``); no CSRF token, see ``app.pulse.views``."""

    statements: tuple[Item, ...] = ()
    unknown: tuple[str, ...] = ()

    def process(self, formdata: Any = None, *args: Any, **kwargs: Any) -> None:
        super().process(formdata, *args, **kwargs)
        # A field this pulse does not have is not processed by WTForms: note it here.
        self.unknown = tuple(
            name.removeprefix(ITEM_PREFIX)
            for name in (formdata or ())
            if name.startswith(ITEM_PREFIX) and name not in self._fields
        )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return valid and not self.unknown

    def statement_fields(self) -> list[StatementField]:
        return [self[ITEM_PREFIX + item.key] for item in self.statements]

    def answers(self) -> dict[str, int]:
        """Statement key -> answer, for every statement answered on its scale."""
        return {f.item.key: f.data for f in self.statement_fields() if f.data is not None}

    def comment_text(self) -> str | None:
        field = self._fields.get(COMMENT_FIELD)
        return (field.data or None) if field is not None else None

    def refused(self) -> list[str]:
        """Why the submission is refused as a whole (empty when it is not)."""
        found = [
            _("“%(key)s” is not a statement of this pulse.", key=key[:40]) for key in self.unknown
        ]
        return found + [f.errors[0] for f in self.statement_fields() if f.refused]

    def missing(self) -> list[Item]:
        return [f.item for f in self.statement_fields() if f.errors and not f.refused]

    def comment_too_long(self) -> bool:
        field = self._fields.get(COMMENT_FIELD)
        return field is not None and bool(field.errors)


def answer_form(items: Sequence[Item]) -> type[AnswerForm]:
    """The form class of a pulse asking ``items`` (made once per set of items)."""
    return _answer_form(tuple(items))


@lru_cache(maxsize=512)
def _answer_form(items: tuple[Item, ...]) -> type[AnswerForm]:
    statements = tuple(item for item in items if item.scale in SCALES)
    fields: dict[str, Any] = {
        ITEM_PREFIX + item.key: StatementField(
            _l("Statement %(num)s", num=number), item=item, number=number
        )
        for number, item in enumerate(statements, start=1)
    }
    if any(item.scale == TEXT for item in items):
        fields[COMMENT_FIELD] = CommentField(_l("Comment"))
    return type("PulseAnswerForm", (AnswerForm,), {"statements": statements, **fields})
