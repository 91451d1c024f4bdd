"""An action's effect in one plain sentence for people (``insights.effects`` estimates it).

Never says "caused": the groups were not randomised. Every sentence is one whole
message for the translators (``insights.translation``).
"""

from __future__ import annotations

from collections.abc import Mapping

from insights.effects import MIN_GROUPS, Effect
from insights.translation import _, ngettext, number


def effect_words(effect: Effect, measure: str, unit: str = "") -> str:
    """One plain sentence for people about ``effect`` on ``measure``.

    ``unit`` follows the number ("%" reads as "points": a change of a percentage is
    in percentage points). Never says "caused": the groups were not randomised.
    Each sentence is one whole message per kind, direction and count, so a
    translation can order its words freely.
    """
    e = effect
    weekly = e.kind == "weekly"
    if e.state == "too_early":
        if weekly:
            return ngettext(
                "Too early to tell: %(num)s more week needed.",
                "Too early to tell: %(num)s more weeks needed.",
                e.more_needed,
            )
        return ngettext(
            "Too early to tell: %(num)s more campaign needed.",
            "Too early to tell: %(num)s more campaigns needed.",
            e.more_needed,
        )
    if e.state == "no_before":
        if weekly:
            return _(
                "No figures before the action: the teams it touched have no %(measure)s "
                "figures in the weeks before it, so its effect cannot be measured.",
                measure=measure,
            )
        return _(
            "No figures before the action: the teams it touched have no %(measure)s "
            "figures in the campaigns before it, so its effect cannot be measured.",
            measure=measure,
        )
    change = _own_change(e, measure, unit)
    if e.state == "no_comparison":
        if e.every_group:
            head = _("No comparison teams: it touched every team.")
        elif e.comparison_n == 0:
            head = _(
                "No comparison teams: the teams it did not touch have no figures "
                "before and after it."
            )
        else:
            head = _(
                "Too few teams to compare: %(teams)s; at least %(needed)s teams with "
                "figures before and after are needed.",
                teams=_n(e),
                needed=MIN_GROUPS,
            )
        return f"{head} {change}" if change else head
    assert e.estimate is not None and e.low is not None and e.high is not None
    decimals = 2 if e.high - e.low < 1 else 1
    values = {
        "measure": measure,
        "amount": _amount(abs(e.estimate), decimals, unit),
        "others": e.comparison_n,
        "low": _num(e.low, decimals),
        "high": _num(e.high, decimals),
        "teams": _n(e),
        "periods": _periods(e),
    }
    sentence = _difference(e.estimate >= 0, e.comparison_n == 1, e.treated_n, values)
    if e.state == "noise":
        return _("No effect distinguishable from noise: %(sentence)s", sentence=sentence)
    return sentence


def _difference(rose: bool, one_other: bool, touched: int, values: Mapping[str, object]) -> str:
    """ "Adoption rate rose 9.0 points more in the teams it touched than in the 3 others
    (95% interval ...; 2 teams against 3, 4 weeks before, 4 after)." """
    if rose and one_other:
        return ngettext(
            "%(measure)s rose %(amount)s more in the team it touched than in the other one "
            "(95%% interval %(low)s to %(high)s; %(teams)s, %(periods)s).",
            "%(measure)s rose %(amount)s more in the teams it touched than in the other one "
            "(95%% interval %(low)s to %(high)s; %(teams)s, %(periods)s).",
            touched,
            **values,
        )
    if rose:
        return ngettext(
            "%(measure)s rose %(amount)s more in the team it touched than in the %(others)s "
            "others (95%% interval %(low)s to %(high)s; %(teams)s, %(periods)s).",
            "%(measure)s rose %(amount)s more in the teams it touched than in the %(others)s "
            "others (95%% interval %(low)s to %(high)s; %(teams)s, %(periods)s).",
            touched,
            **values,
        )
    if one_other:
        return ngettext(
            "%(measure)s fell %(amount)s more in the team it touched than in the other one "
            "(95%% interval %(low)s to %(high)s; %(teams)s, %(periods)s).",
            "%(measure)s fell %(amount)s more in the teams it touched than in the other one "
            "(95%% interval %(low)s to %(high)s; %(teams)s, %(periods)s).",
            touched,
            **values,
        )
    return ngettext(
        "%(measure)s fell %(amount)s more in the team it touched than in the %(others)s "
        "others (95%% interval %(low)s to %(high)s; %(teams)s, %(periods)s).",
        "%(measure)s fell %(amount)s more in the teams it touched than in the %(others)s "
        "others (95%% interval %(low)s to %(high)s; %(teams)s, %(periods)s).",
        touched,
        **values,
    )


def _own_change(e: Effect, measure: str, unit: str) -> str:
    if e.treated_change is None:
        return ""
    c = e.treated_change
    values = {"measure": measure, "periods": _periods(e)}
    if c == 0:
        return ngettext(
            "%(measure)s did not change in the team it touched (%(periods)s).",
            "%(measure)s did not change in the teams it touched (%(periods)s).",
            e.treated_n,
            **values,
        )
    amount = _amount(abs(c), 2 if abs(c) < 1 else 1, unit)
    if c > 0:
        return ngettext(
            "%(measure)s rose %(amount)s in the team it touched (%(periods)s).",
            "%(measure)s rose %(amount)s in the teams it touched (%(periods)s).",
            e.treated_n,
            amount=amount,
            **values,
        )
    return ngettext(
        "%(measure)s fell %(amount)s in the team it touched (%(periods)s).",
        "%(measure)s fell %(amount)s in the teams it touched (%(periods)s).",
        e.treated_n,
        amount=amount,
        **values,
    )


def _n(e: Effect) -> str:
    return ngettext(
        "%(num)s team against %(others)s",
        "%(num)s teams against %(others)s",
        e.treated_n,
        others=e.comparison_n,
    )


def _periods(e: Effect) -> str:
    if e.kind == "weekly":
        return ngettext(
            "%(num)s week before, %(after)s after",
            "%(num)s weeks before, %(after)s after",
            e.periods_before,
            after=e.periods_after,
        )
    return ngettext(
        "%(num)s campaign before, %(after)s after",
        "%(num)s campaigns before, %(after)s after",
        e.periods_before,
        after=e.periods_after,
    )


def _amount(x: float, decimals: int, unit: str) -> str:
    """The size of a change with its unit: "9.0 points" for a percentage (or eNPS points),
    "3.5 days" (a metric's own unit, as it was entered)."""
    if not unit:
        return _num(x, decimals)
    if unit in ("%", "points"):
        return _("%(number)s points", number=_num(x, decimals))
    return f"{_num(x, decimals)} {unit}"


def _num(x: float, decimals: int) -> str:
    """``x`` in the reader's decimals, never "-0.0"."""
    return number(0.0 if round(x, decimals) == 0 else x, decimals)
