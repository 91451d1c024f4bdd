"""Answering a pulse, by question.

Staff have no account. A team link opens its team's current campaign; a
personal link opens its own campaign once. Nothing here records who answered:
the response keeps its team and its day, and a personal link only learns that
it was used (``app.services.responses``).

- ``pulses``: what a link opens (``Pulse``, ``LinkState``);
- ``links``: opening a link (``open_link``), through ``link_cache`` for team links;
- ``answers``: storing the answers, committed;
- ``actions``: "you said, we did" as staff see it.
"""

from app.services.pulse.actions import ACTIONS_SHOWN, ActionRow, actions_for
from app.services.pulse.answers import COMMENT_FIELD, ITEM_PREFIX, MAX_COMMENT, submit
from app.services.pulse.link_cache import LINK_CACHE_ENTRIES, LINK_CACHE_SETTING, LINKS
from app.services.pulse.links import forget_link, open_link
from app.services.pulse.pulses import LinkState, Pulse

__all__ = [
    "ACTIONS_SHOWN",
    "COMMENT_FIELD",
    "ITEM_PREFIX",
    "LINKS",
    "LINK_CACHE_ENTRIES",
    "LINK_CACHE_SETTING",
    "MAX_COMMENT",
    "ActionRow",
    "LinkState",
    "Pulse",
    "actions_for",
    "forget_link",
    "open_link",
    "submit",
]
