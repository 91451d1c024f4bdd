"""The leadership-practices 360: Kouzes & Posner's five practices, in our own words.

Thirty behaviours, six per practice, worded for leading a CRM rollout; the
practices cycle through the item order (1 model, 2 inspire, 3 challenge,
4 enable, 5 encourage, 6 model, ...). Each is rated on a 10-point frequency
scale by the leader (self) and by observers. A practice score is the sum of
its six items (6-60).
"""

from __future__ import annotations

from dataclasses import dataclass

from survey.languages import N_
from survey.library_text import library_behaviour

SCALE_MIN, SCALE_MAX = 1, 10
SCALE_LABELS = {
    1: N_("Almost never"),
    2: N_("Rarely"),
    3: N_("Seldom"),
    4: N_("Once in a while"),
    5: N_("Occasionally"),
    6: N_("Sometimes"),
    7: N_("Fairly often"),
    8: N_("Usually"),
    9: N_("Very frequently"),
    10: N_("Almost always"),
}

RELATIONSHIPS = {
    "manager": N_("Their manager"),
    "peer": N_("A peer"),
    "direct_report": N_("A direct report"),
    "other": N_("Someone else who works with them"),
}

# Observer figures need at least this many observers in a group; never fewer.
DEFAULT_MIN_OBSERVERS = 3


@dataclass(frozen=True)
class Practice:
    key: str
    name: str
    kotter_steps: tuple[str, ...]
    why: str


PRACTICES: tuple[Practice, ...] = (
    Practice(
        "model", N_("Model the way"), ("communicate", "anchor"),
        N_("Staff copy what leaders do: leaders who avoid the CRM make it optional for everyone."),
    ),
    Practice(
        "inspire", N_("Inspire a shared vision"), ("vision", "communicate"),
        N_("Without a picture of better customer relationships, the rollout is just new software."),
    ),
    Practice(
        "challenge", N_("Challenge the process"), ("urgency", "wins"),
        N_("Questioning the old way creates urgency and finds the early wins."),
    ),
    Practice(
        "enable", N_("Enable others to act"), ("empower", "coalition"),
        N_("Front-line staff need the authority, skills and support to work the new way."),
    ),
    Practice(
        "encourage", N_("Encourage the heart"), ("wins", "consolidate"),
        N_("Recognising people's effort keeps them going through the dip after go-live."),
    ),
)  # fmt: skip
PRACTICE_KEYS = tuple(practice.key for practice in PRACTICES)
PRACTICES_BY_KEY = {practice.key: practice for practice in PRACTICES}


@dataclass(frozen=True)
class Behaviour:
    key: str
    number: int
    practice: str
    self_text: str
    observer_text: str

    def self_wording(self, language: str = "en") -> str:
        """The self-assessment statement in ``language`` (English where there is none)."""
        translated = library_behaviour(self.key, language)
        return translated[0] if translated else self.self_text

    def observer_wording(self, leader_name: str, language: str = "en") -> str:
        translated = library_behaviour(self.key, language)
        return (translated[1] if translated else self.observer_text).format(name=leader_name)


# (self wording, observer wording) per practice, six each, in item order.
_WORDING: dict[str, tuple[tuple[str, str], ...]] = {
    "model": (
        ("I use the new CRM myself for my own customer work.",
         "{name} uses the new CRM for their own customer work."),
        ("I keep the promises I make about the rollout.",
         "{name} keeps the promises they make about the rollout."),
        ("I ask how my own behaviour affects how people work with customers.",
         "{name} asks how their own behaviour affects how people work with customers."),
        ("I make clear which customer principles we will not compromise on.",
         "{name} makes clear which customer principles we will not compromise on."),
        ("I spend my time on what I say matters most in the rollout.",
         "{name} spends their time on what they say matters most in the rollout."),
        ("I follow the new processes even when a shortcut would be quicker.",
         "{name} follows the new processes even when a shortcut would be quicker."),
    ),
    "inspire": (
        ("I explain how the new CRM helps us serve customers better.",
         "{name} explains how the new CRM helps us serve customers better."),
        ("I describe what our customer relationships could look like in a year.",
         "{name} describes what our customer relationships could look like in a year."),
        ("I link the rollout to what people here care about.",
         "{name} links the rollout to what people here care about."),
        ("I talk with real enthusiasm about where the change is taking us.",
         "{name} talks with real enthusiasm about where the change is taking us."),
        ("I tell customer stories that show why the change matters.",
         "{name} tells customer stories that show why the change matters."),
        ("I help people see their own part in the bigger picture.",
         "{name} helps people see their own part in the bigger picture."),
    ),
    "challenge": (
        ("I question the old ways of handling customers when they slow us down.",
         "{name} questions the old ways of handling customers when they slow us down."),
        ("I look outside our company for better ways to serve customers.",
         "{name} looks outside our company for better ways to serve customers."),
        ("I ask what we can learn when something in the rollout goes wrong.",
         "{name} asks what we can learn when something in the rollout goes wrong."),
        ("I try out new ways of working in small, safe experiments.",
         "{name} tries out new ways of working in small, safe experiments."),
        ("I invite ideas from the front line for improving the CRM and its processes.",
         "{name} invites ideas from the front line for improving the CRM and its processes."),
        ("I break big rollout goals into steps people can achieve.",
         "{name} breaks big rollout goals into steps people can achieve."),
    ),
    "enable": (
        ("I involve the people affected in planning how we use the CRM.",
         "{name} involves the people affected in planning how we use the CRM."),
        ("I let people decide at the customer without waiting for approval.",
         "{name} lets people decide at the customer without waiting for approval."),
        ("I make sure people get the training and help they need.",
         "{name} makes sure people get the training and help they need."),
        ("I listen carefully to concerns about the new system.",
         "{name} listens carefully to concerns about the new system."),
        ("I remove obstacles that keep people from working the new way.",
         "{name} removes obstacles that keep people from working the new way."),
        ("I build trust between sales, service, marketing and IT.",
         "{name} builds trust between sales, service, marketing and IT."),
    ),
    "encourage": (
        ("I thank people by name for their progress with the new CRM.",
         "{name} thanks people by name for their progress with the new CRM."),
        ("I celebrate early wins with the teams who made them.",
         "{name} celebrates early wins with the teams who made them."),
        ("I show confidence that people can master the new ways of working.",
         "{name} shows confidence that people can master the new ways of working."),
        ("I recognise effort, not only results, while people learn the system.",
         "{name} recognises effort, not only results, while people learn the system."),
        ("I share stories of colleagues who helped a customer through the CRM.",
         "{name} shares stories of colleagues who helped a customer through the CRM."),
        ("I make sure the team's contribution to the rollout is seen by others.",
         "{name} makes sure the team's contribution to the rollout is seen by others."),
    ),
}  # fmt: skip


def _behaviours() -> tuple[Behaviour, ...]:
    items: list[Behaviour] = []
    for round_index in range(6):
        for practice in PRACTICES:
            number = len(items) + 1
            self_text, observer_text = _WORDING[practice.key][round_index]
            items.append(
                Behaviour(f"b{number:02d}", number, practice.key, self_text, observer_text)
            )
    return tuple(items)


BEHAVIOURS: tuple[Behaviour, ...] = _behaviours()
BEHAVIOURS_BY_KEY = {behaviour.key: behaviour for behaviour in BEHAVIOURS}
