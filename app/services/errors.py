"""The one error every service raises when a request cannot be honoured.

``problems`` maps a form field (or ``""`` for the request as a whole) to a
message written for the person who typed it. Views attach the problems to
their form with :func:`app.formtools.attach_problems` and answer 422 with
everything the user typed kept; the API answers 422 with the same problems.
"""

from __future__ import annotations

from collections.abc import Mapping

WHOLE_REQUEST = ""


class ServiceError(ValueError):
    """A change that cannot be made, with what is wrong, field by field."""

    def __init__(self, problems: Mapping[str, str] | str, field: str = WHOLE_REQUEST) -> None:
        found = {field: problems} if isinstance(problems, str) else dict(problems)
        super().__init__(" ".join(found.values()))
        self.problems: dict[str, str] = found

    @property
    def field(self) -> str:
        """The first field named (the whole request when none is)."""
        return next(iter(self.problems), WHOLE_REQUEST)

    @property
    def message(self) -> str:
        return str(self)
