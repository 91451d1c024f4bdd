"""The flash messages that tell what removing or restoring a team did, one whole
sentence per case so that each language can place the names where it needs them."""

from __future__ import annotations

from flask_babel import gettext as _

from app.services.organizations import Removal
from models import Team


def removal_message(name: str, new_parent: str | None, removal: Removal) -> str:
    if name in removal.archived:
        parts = [
            _(
                "Team “%(name)s” archived: hidden from new campaigns, kept in past results.",
                name=name,
            )
        ]
    else:
        parts = [_("Team “%(name)s” deleted.", name=name)]
    # One whole sentence per case: the place and the names sit differently per language.
    if removal.moved and new_parent:
        parts.append(
            _(
                "Its sub-teams moved up to “%(parent)s”: %(names)s.",
                parent=new_parent,
                names=_names(removal.moved),
            )
        )
    elif removal.moved:
        parts.append(
            _("Its sub-teams moved up to the top level: %(names)s.", names=_names(removal.moved))
        )
    archived = [other for other in removal.archived if other != name]
    deleted = [other for other in removal.deleted if other != name]
    if archived:
        parts.append(_("Archived with it: %(names)s.", names=_names(archived)))
    if deleted:
        parts.append(_("Deleted with it: %(names)s.", names=_names(deleted)))
    return " ".join(parts)


def _names(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in sorted(names, key=str.casefold))


def restored_message(team: Team, lifted_from: Team | None) -> str:
    if lifted_from is not None:
        message = _(
            "Team “%(name)s” restored at the top level: its parent team “%(parent)s” is archived.",
            name=team.name,
            parent=lifted_from.name,
        )
    elif team.parent is not None:
        message = _(
            "Team “%(name)s” restored under “%(parent)s”.", name=team.name, parent=team.parent.name
        )
    else:
        message = _("Team “%(name)s” restored.", name=team.name)
    return str(message)
