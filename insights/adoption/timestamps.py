"""Timestamps of a CRM export: the formats offered, time zones, and the week a moment is in."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from insights.translation import N_, _

ISO = "iso"
EPOCH = "epoch"
EPOCH_MS = "epoch_ms"
# Formats offered in the mapping step, as exported by common CRMs; any strptime pattern works.
TIMESTAMP_FORMATS = {
    ISO: N_("ISO 8601 — 2026-03-02T14:05:00Z, 2026-03-02 14:05:00"),
    "%d/%m/%Y %H:%M": N_("Day first — 02/03/2026 14:05"),
    "%d/%m/%Y %H:%M:%S": N_("Day first with seconds — 02/03/2026 14:05:09"),
    "%m/%d/%Y %I:%M %p": N_("Month first, 12-hour — 03/02/2026 02:05 PM"),
    "%m/%d/%Y %H:%M": N_("Month first — 03/02/2026 14:05"),
    "%d.%m.%Y %H:%M": N_("Dotted — 02.03.2026 14:05"),
    EPOCH: N_("Unix epoch seconds — 1772460300"),
    EPOCH_MS: N_("Unix epoch milliseconds — 1772460300000"),
}


def zone(name: str) -> ZoneInfo:
    """The IANA time zone called ``name``; ValueError if there is none."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            _("%(name)s is not a time zone such as UTC or Europe/London.", name=repr(name))
        ) from None


def parse_timestamp(text: str, fmt: str, source_zone: tzinfo) -> datetime:
    """An aware UTC datetime. Values without a zone are read in ``source_zone``.

    Epoch values are UTC by definition. In the hour a clock is turned back the
    earlier of the two readings is taken (``fold=0``). Raises ValueError.
    """
    text = text.strip()
    try:
        if fmt == ISO:
            value = datetime.fromisoformat(text)
        elif fmt in (EPOCH, EPOCH_MS):
            seconds = float(text) / (1000 if fmt == EPOCH_MS else 1)
            return datetime.fromtimestamp(seconds, UTC)
        else:
            fast = _fast_parser(fmt)
            value = fast(text) if fast else datetime.strptime(text, fmt)  # noqa: DTZ007
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            _("%(text)s is not a timestamp in the chosen format.", text=repr(text))
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=source_zone)
    return value.astimezone(UTC)


# strptime costs ~30 µs a row; formats made only of these codes are read by a regular
# expression instead, ten times faster, with the same strictness (datetime() checks days).
_FAST_CODES = {
    "%d": r"(?P<d>\d{1,2})",
    "%m": r"(?P<m>\d{1,2})",
    "%Y": r"(?P<Y>\d{4})",
    "%H": r"(?P<H>\d{1,2})",
    "%I": r"(?P<I>\d{1,2})",
    "%M": r"(?P<M>\d{1,2})",
    "%S": r"(?P<S>\d{1,2})",
    "%p": r"(?P<p>[AaPp][Mm])",
}


@lru_cache(maxsize=32)
def _fast_parser(fmt: str) -> Callable[[str], datetime] | None:
    """A parser for ``fmt`` if it uses only day, month, year, hour, minute, second, AM/PM."""
    parts = re.split(r"(%.)", fmt)
    codes = [part for part in parts if part.startswith("%")]
    if not {"%d", "%m", "%Y"} <= set(codes) <= set(_FAST_CODES) or len(set(codes)) < len(codes):
        return None
    pattern = re.compile(
        "".join(_FAST_CODES[p] if p.startswith("%") else re.escape(p) for p in parts)
    )

    def parse(text: str) -> datetime:
        match = pattern.fullmatch(text)
        if match is None:
            raise ValueError(text)
        found = match.groupdict()
        hour = int(found.get("H") or 0)
        if "I" in found:  # 12-hour clock: 12 AM is midnight, 12 PM noon; no AM/PM means AM
            if not 1 <= int(found["I"]) <= 12:
                raise ValueError(text)
            pm = (found.get("p") or "am").lower() == "pm"
            hour = int(found["I"]) % 12 + (12 if pm else 0)
        minute, second = int(found.get("M") or 0), int(found.get("S") or 0)
        return datetime(int(found["Y"]), int(found["m"]), int(found["d"]), hour, minute, second)

    return parse


def week_start(moment: datetime, week_zone: tzinfo) -> date:
    """The Monday of the ISO week ``moment`` falls in, on the clocks of ``week_zone``."""
    day = moment.astimezone(week_zone).date()
    return day - timedelta(days=day.weekday())
