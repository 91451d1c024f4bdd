"""The pulse-survey instrument library, as data, in our own wording.

A survey is built by picking dimensions (and optionally custom items on the
same scales). When a survey is saved its items are snapshotted into a
version (``Item.snapshot``), and past answers are always scored with the
snapshot they were given against.

Every wording here is Stepwise's own, written for staff living through a CRM
rollout (docs/domain.md); none is taken from a commercial instrument.
Item keys are stored with answers and compared across campaigns: never
rename or reuse one. Add new items with new keys; retire an old one by
removing it from the library (its snapshots keep scoring past answers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from survey.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, N_, is_language
from survey.library_text import library_items

# Scales: 5-point agreement, 0-10 recommendation, free text.
AGREE5 = "agree5"
RECOMMEND10 = "recommend10"
TEXT = "text"
SCALES: dict[str, tuple[int, int]] = {AGREE5: (1, 5), RECOMMEND10: (0, 10)}
# Marked with N_ for the catalogues; pages show them through gettext.
AGREE5_LABELS = {
    1: N_("Strongly disagree"),
    2: N_("Disagree"),
    3: N_("Neither agree nor disagree"),
    4: N_("Agree"),
    5: N_("Strongly agree"),
}


@dataclass(frozen=True)
class Item:
    """One statement. ``text`` is in ``language``; ``translations`` holds its
    wording in other languages as (language, text) pairs, sorted. The key, not
    the wording, identifies the item: an answer in any language is the same item."""

    key: str
    dimension: str
    text: str
    scale: str = AGREE5
    reverse: bool = False
    required: bool = True
    language: str = DEFAULT_LANGUAGE
    translations: tuple[tuple[str, str], ...] = ()

    def snapshot(self) -> dict[str, Any]:
        data = asdict(self)
        data["translations"] = dict(self.translations)
        return data

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Item:
        values = dict(data)
        values["translations"] = tuple(sorted((values.get("translations") or {}).items()))
        return cls(**values)

    def texts(self) -> dict[str, str]:
        """The wording in every language it has, its own language included."""
        return {**dict(self.translations), self.language: self.text}

    def wording(self, language: str, fallback: str = DEFAULT_LANGUAGE) -> tuple[str, str]:
        """(text, the language it is in): ``language`` if the item has it, else
        ``fallback`` (the survey's default), else its own language. A page shows
        the second value as the ``lang`` of the text when it differs from the page's."""
        texts = self.texts()
        for choice in (language, fallback):
            if choice in texts:
                return texts[choice], choice
        return self.text, self.language

    def missing_languages(self, languages: Sequence[str]) -> list[str]:
        """Which of ``languages`` the item has no wording in (these fall back)."""
        texts = self.texts()
        return [code for code in languages if code not in texts]


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    family: str
    description: str
    items: tuple[Item, ...]
    kotter_step: str | None = None
    # False where agreeing means more of a problem (resistance drivers): after
    # reverse coding a high mean is bad news, and results must read it that way.
    higher_is_better: bool = True


CUSTOM_DIMENSION = "custom"
MAX_CUSTOM_TEXT = 300

FAMILIES: dict[str, str] = {
    "kotter": N_("Kotter's eight steps, from the staff's side"),
    "resistance": N_("Resistance drivers"),
    "adoption": N_("Adoption attitudes (TAM/UTAUT)"),
    "adkar": N_("ADKAR"),
    "crl": N_("Customer relationship leadership"),
    "customer": N_("Customer focus"),
    "recommend": N_("Recommendation (eNPS)"),
    "comment": N_("Comment"),
}


def _dim(
    key: str,
    name: str,
    family: str,
    description: str,
    *statements: tuple[str, str, bool],
    kotter_step: str | None = None,
    higher_is_better: bool = True,
) -> Dimension:
    """A dimension of 5-point agreement items given as (item key, text, reverse-worded)."""
    items = tuple(
        Item(item_key, key, text, AGREE5, reverse, translations=library_items(item_key))
        for item_key, text, reverse in statements
    )
    return Dimension(key, name, family, description, items, kotter_step, higher_is_better)


_KOTTER: tuple[Dimension, ...] = (
    _dim(
        "kotter_urgency", N_("Urgency"), "kotter",
        N_("Staff see why the old way of working with customers has to go (Kotter step 1)."),
        ("kotter_urgency_1", "I understand why we need to change how we work with customers.",
         False),
        kotter_step="urgency",
    ),
    _dim(
        "kotter_coalition", N_("Guiding coalition"), "kotter",
        N_("Staff trust the cross-functional team leading the change (Kotter step 2)."),
        ("kotter_coalition_1",
         "The people leading the CRM change know how work with customers really gets done here.",
         False),
        kotter_step="coalition",
    ),
    _dim(
        "kotter_vision", N_("Vision"), "kotter",
        N_("Staff can say what the change should do for customers (Kotter step 3)."),
        ("kotter_vision_1",
         "I could explain in a sentence what the CRM change should do for our customers.", False),
        kotter_step="vision",
    ),
    _dim(
        "kotter_communicate", N_("Communicating the vision"), "kotter",
        N_("Staff hear the vision often, from their own managers (Kotter step 4)."),
        ("kotter_communicate_1",
         "My manager talks regularly about where the CRM change is heading and why.", False),
        kotter_step="communicate",
    ),
    _dim(
        "kotter_empower", N_("Obstacles removed"), "kotter",
        N_("Obstacles staff raise get removed (Kotter step 5)."),
        ("kotter_empower_1",
         "When I raise something that gets in the way of the new way of working, it is dealt with.",
         False),
        kotter_step="empower",
    ),
    _dim(
        "kotter_wins", N_("Short-term wins"), "kotter",
        N_("Staff have seen visible early wins (Kotter step 6)."),
        ("kotter_wins_1",
         "I have seen clear early successes from the new way of working with customers.", False),
        kotter_step="wins",
    ),
    _dim(
        "kotter_consolidate", N_("Consolidating gains"), "kotter",
        N_("The tool and processes keep improving from feedback (Kotter step 7)."),
        ("kotter_consolidate_1",
         "The CRM and our processes keep getting better based on feedback from people like me.",
         False),
        kotter_step="consolidate",
    ),
    _dim(
        "kotter_anchor", N_("Anchored in the culture"), "kotter",
        N_("Using the CRM has become how work is done here (Kotter step 8)."),
        ("kotter_anchor_1", "Using the CRM is simply how we work with customers here now.", False),
        kotter_step="anchor",
    ),
)  # fmt: skip

# Agreeing with these means more resistance; reverse-worded items are recoded so
# that a high score always means more of the driver (higher_is_better=False).
_RESISTANCE: tuple[Dimension, ...] = (
    _dim(
        "resistance_unknown", N_("Stress of the unknown"), "resistance",
        N_("Uncertainty the rollout puts into people's working day."),
        ("resistance_unknown_1",
         "I am uneasy about what the new CRM will mean for my day-to-day work.", False),
        ("resistance_unknown_2",
         "I know what my working day will look like once the new CRM is fully in place.", True),
        higher_is_better=False,
    ),
    _dim(
        "resistance_devalued", N_("Feeling devalued by the tool"), "resistance",
        N_("The fear that the software is meant to do the job better than the person."),
        ("resistance_devalued_1", "The new CRM makes my experience count for less.", False),
        ("resistance_devalued_2",
         "It feels as if the system is meant to replace my judgement.", False),
        ("resistance_devalued_3",
         "The new CRM makes good use of what I know about our customers.", True),
        higher_is_better=False,
    ),
    _dim(
        "resistance_ownership", N_("Lost ownership of the process"), "resistance",
        N_("People owned the old process; the new one was done to them."),
        ("resistance_ownership_1",
         "The new way of working was designed without the people who do the work.", False),
        ("resistance_ownership_2",
         "Decisions about how I handle my customers have been taken out of my hands.", False),
        ("resistance_ownership_3",
         "I have a say in how the new CRM process works for my team.", True),
        higher_is_better=False,
    ),
    _dim(
        "resistance_personal_touch", N_("Lost personal touch with customers"), "resistance",
        N_("The fear that the tool replaces the relationship with the customer."),
        ("resistance_personal_touch_1",
         "The new CRM puts a screen between me and my customers.", False),
        ("resistance_personal_touch_2",
         "With the new CRM I still have time for a personal word with each customer.", True),
        higher_is_better=False,
    ),
)  # fmt: skip

# Technology acceptance: TAM (usefulness, ease of use) and UTAUT (social
# influence, facilitating conditions).
_ADOPTION: tuple[Dimension, ...] = (
    _dim(
        "adoption_usefulness", N_("Usefulness"), "adoption",
        N_("The CRM helps people do their customer work (TAM perceived usefulness, "
           "UTAUT performance expectancy)."),
        ("adoption_usefulness_1", "The new CRM helps me serve customers better.", False),
        ("adoption_usefulness_2", "Using the new CRM saves me time in my customer work.", False),
        ("adoption_usefulness_3",
         "The new CRM adds work without giving me anything back.", True),
    ),
    _dim(
        "adoption_ease", N_("Ease of use"), "adoption",
        N_("The CRM is easy to work with (TAM perceived ease of use, UTAUT effort expectancy)."),
        ("adoption_ease_1", "The new CRM is easy to use.", False),
        ("adoption_ease_2",
         "I can find the customer information I need in the CRM quickly.", False),
        ("adoption_ease_3", "Simple tasks take too many steps in the new CRM.", True),
    ),
    _dim(
        "adoption_support", N_("Support from colleagues and managers"), "adoption",
        N_("People who matter to staff expect and back the use of the CRM "
           "(UTAUT social influence)."),
        ("adoption_support_1", "My manager expects and encourages me to use the new CRM.", False),
        ("adoption_support_2",
         "Colleagues whose opinion I value use the new CRM themselves.", False),
    ),
    _dim(
        "adoption_training", N_("Training and help available"), "adoption",
        N_("Training and help are there when needed (UTAUT facilitating conditions)."),
        ("adoption_training_1",
         "I have had the training I need to use the new CRM in my job.", False),
        ("adoption_training_2",
         "When I get stuck in the CRM, I know where to get help quickly.", False),
        ("adoption_training_3", "I have been left to work out the new CRM on my own.", True),
    ),
)  # fmt: skip

# One statement per ADKAR element, in A-D-K-A-R order; the barrier point is the
# first element a respondent scores 3 or lower (survey.scoring.adkar_barrier).
_ADKAR: tuple[Dimension, ...] = (
    _dim(
        "adkar_awareness", N_("Awareness"), "adkar",
        N_("Knowing why the change is happening."),
        ("adkar_awareness_1",
         "I understand the business reasons for introducing the new CRM.", False),
    ),
    _dim(
        "adkar_desire", N_("Desire"), "adkar",
        N_("Wanting to take part in the change."),
        ("adkar_desire_1", "I personally want to make the new CRM work.", False),
    ),
    _dim(
        "adkar_knowledge", N_("Knowledge"), "adkar",
        N_("Knowing how to work the new way."),
        ("adkar_knowledge_1", "I know how to do my daily customer work in the new CRM.", False),
    ),
    _dim(
        "adkar_ability", N_("Ability"), "adkar",
        N_("Being able to work the new way in practice."),
        ("adkar_ability_1",
         "In real work with customers, I can use the new CRM without getting stuck.", False),
    ),
    _dim(
        "adkar_reinforcement", N_("Reinforcement"), "adkar",
        N_("Something keeps people working the new way rather than slipping back."),
        ("adkar_reinforcement_1",
         "Using the new CRM well gets noticed and appreciated here.", False),
    ),
)  # fmt: skip

# Galbreath & Rogers' "double three-legged stool" (seed 003): three leadership
# legs and three things customers want.
_CRL: tuple[Dimension, ...] = (
    _dim(
        "crl_technology", N_("Technology"), "crl",
        N_("Leaders champion the CRM technology."),
        ("crl_technology_1", "Our leaders use the new CRM themselves.", False),
        ("crl_technology_2",
         "Our leaders put real effort into making the CRM work for the front line.", False),
    ),
    _dim(
        "crl_environment", N_("Organisational environment"), "crl",
        N_("Decisions are pushed to the people at the customer ('localness')."),
        ("crl_environment_1",
         "I can decide things for a customer on the spot without waiting for approval.", False),
        ("crl_environment_2",
         "I have the customer information I need to make decisions myself.", False),
        ("crl_environment_3",
         "Customer decisions have to go up the line even when I know the answer.", True),
    ),
    _dim(
        "crl_innovation", N_("Atmosphere of innovation"), "crl",
        N_("Ideas come from employees and honest mistakes are forgiven."),
        ("crl_innovation_1",
         "Ideas from staff about serving customers are taken up here.", False),
        ("crl_innovation_2", "Mistakes made while trying something new are forgiven here.", False),
        ("crl_innovation_3",
         "People here keep ideas to themselves because nothing happens with them.", True),
    ),
)  # fmt: skip

_CUSTOMER: tuple[Dimension, ...] = (
    _dim(
        "customer_customisation", N_("Customisation"), "customer",
        N_("Offers and contacts are tailored to each customer."),
        ("customer_customisation_1",
         "I can tailor what we offer to each customer's needs.", False),
        ("customer_customisation_2",
         "Before I contact a customer I can see their history and preferences.", False),
    ),
    _dim(
        "customer_relationships", N_("Personal relationships"), "customer",
        N_("Staff know their customers and keep in touch at the right moments."),
        ("customer_relationships_1", "I know my most important customers personally.", False),
        ("customer_relationships_2",
         "I get in touch with customers at the moments that matter to them.", False),
    ),
    _dim(
        "customer_aftersale", N_("After-sale service"), "customer",
        N_("Customers are looked after once the sale is made."),
        ("customer_aftersale_1",
         "Customers' problems after a sale are followed up until they are solved.", False),
        ("customer_aftersale_2",
         "I can see a customer's open service issues before I speak to them.", False),
        ("customer_aftersale_3",
         "After a sale, customers often have to chase us for an answer.", True),
    ),
)  # fmt: skip

_RECOMMEND = Dimension(
    "recommend",
    N_("Would recommend the new CRM"),
    "recommend",
    # A format string, as the catalogues hold any text with a percent sign ("%%").
    N_("Scored as eNPS: %% promoters (9-10) minus %% detractors (0-6)."),
    (
        Item(
            "recommend",
            "recommend",
            "How likely are you to recommend the new CRM to a colleague?",
            RECOMMEND10,
            translations=library_items("recommend"),
        ),
    ),
)

_COMMENT = Dimension(
    "comment",
    N_("Comment"),
    "comment",
    N_("Optional free text; shown only for groups above the higher comment threshold."),
    (
        Item(
            "comment",
            "comment",
            "Is there anything else you want the people leading the change to know?",
            TEXT,
            required=False,
            translations=library_items("comment"),
        ),
    ),
)

LIBRARY: tuple[Dimension, ...] = (
    *_KOTTER,
    *_RESISTANCE,
    *_ADOPTION,
    *_ADKAR,
    *_CRL,
    *_CUSTOMER,
    _RECOMMEND,
    _COMMENT,
)
DIMENSIONS_BY_KEY: dict[str, Dimension] = {dim.key: dim for dim in LIBRARY}
ITEMS_BY_KEY: dict[str, Item] = {item.key: item for dim in LIBRARY for item in dim.items}

# The recommended first pulse (docs/journeys.md: Kotter steps from the staff
# side + resistance drivers + ADKAR + recommend), kept to what staff answer in
# two minutes: 12 agreement statements, the 0-10 question and an optional comment.
# - Kotter: vision, communicate, empower, the steps a rollout is working through
#   in its first weeks. Urgency is left out because ADKAR awareness asks the
#   same "why" question; later steps can be added as the rollout moves on.
# - Resistance: stress of the unknown and lost personal touch (2 items each),
#   the two drivers staff feel first at go-live; devaluation and ownership have
#   three items each and are a second pulse's choice.
# - ADKAR: all five elements, so every respondent has a barrier point.
STARTER_PULSE: tuple[str, ...] = (
    "kotter_vision",
    "kotter_communicate",
    "kotter_empower",
    "resistance_unknown",
    "resistance_personal_touch",
    "adkar_awareness",
    "adkar_desire",
    "adkar_knowledge",
    "adkar_ability",
    "adkar_reinforcement",
    "recommend",
    "comment",
)


def dimension(key: str) -> Dimension:
    """The library dimension with this key; a KeyError names the valid keys."""
    try:
        return DIMENSIONS_BY_KEY[key]
    except KeyError:
        raise KeyError(
            f"unknown dimension {key!r}; expected one of {', '.join(DIMENSIONS_BY_KEY)}"
        ) from None


def is_scored(item: Item) -> bool:
    """Whether answers to the item are numbers that get scored (not free text)."""
    return item.scale in SCALES


# A custom item's wording: one text (in the survey's language) or a text per language.
CustomText = str | Mapping[str, str]


def build_items(
    dimension_keys: Sequence[str],
    custom: Sequence[tuple[CustomText, str, bool]] = (),
    language: str = DEFAULT_LANGUAGE,
) -> list[Item]:
    """The items of a new survey: chosen library dimensions, then custom items.

    ``custom`` holds (text, scale, reverse) for statements the consultant adds;
    the text is a string in the survey's default ``language`` or a mapping of
    language code to text, which must have the default language (the others
    are optional: a missing one falls back to it). Custom items get the keys
    ``custom_1``, ``custom_2``, ... and the dimension ``custom``, and must be
    scored (5-point or 0-10): a response stores one free-text comment, asked
    by the library's ``comment`` dimension, which is always placed last.
    Unknown or repeated dimension keys, unknown languages and surveys without
    any scored item are refused with a ValueError naming the problem.
    """
    if not is_language(language):
        raise ValueError(
            f"unknown language {language!r}; expected one of {', '.join(LANGUAGE_NAMES)}"
        )
    items: list[Item] = []
    seen: set[str] = set()
    for key in dimension_keys:
        if key not in DIMENSIONS_BY_KEY:
            raise ValueError(
                f"unknown dimension {key!r}; expected one of {', '.join(DIMENSIONS_BY_KEY)}"
            )
        if key in seen:
            raise ValueError(f"dimension {key!r} is chosen twice")
        seen.add(key)
        items.extend(DIMENSIONS_BY_KEY[key].items)
    for number, (text, scale, reverse) in enumerate(custom, start=1):
        texts = _custom_texts(number, text, language)
        if scale not in SCALES:
            raise ValueError(
                f"custom item {number} must use the {AGREE5} or {RECOMMEND10} scale, not {scale!r}"
                " (free text is asked once, by the 'comment' dimension)"
            )
        own = texts.pop(language)
        items.append(
            Item(
                f"custom_{number}",
                CUSTOM_DIMENSION,
                own,
                scale,
                bool(reverse),
                language=language,
                translations=tuple(sorted(texts.items())),
            )
        )
    if not any(is_scored(item) for item in items):
        raise ValueError("a survey needs at least one scored item")
    return [item for item in items if is_scored(item)] + [
        item for item in items if not is_scored(item)
    ]


def _custom_texts(number: int, text: CustomText, language: str) -> dict[str, str]:
    """A custom item's texts by language, stripped, blanks dropped, checked."""
    given = {language: text} if isinstance(text, str) else dict(text)
    texts: dict[str, str] = {}
    for code, wording in given.items():
        if not is_language(code):
            raise ValueError(f"custom item {number}: unknown language {code!r}")
        wording = (wording or "").strip()
        if len(wording) > MAX_CUSTOM_TEXT:
            raise ValueError(
                f"custom item {number} ({LANGUAGE_NAMES[code]}) is longer than"
                f" {MAX_CUSTOM_TEXT} characters"
            )
        if wording:
            texts[code] = wording
    if language not in texts:
        raise ValueError(
            f"custom item {number} has no text"
            + ("" if language == DEFAULT_LANGUAGE else f" in {LANGUAGE_NAMES[language]}")
        )
    return texts


def snapshot(items: Sequence[Item]) -> list[dict[str, Any]]:
    """Items as plain dicts, frozen into a survey version (JSON-serialisable)."""
    return [item.snapshot() for item in items]


_ITEM_FIELDS = frozenset(field.name for field in fields(Item))
_REQUIRED_FIELDS = frozenset({"key", "dimension", "text"})


def items_from_snapshot(snapshot: list[dict[str, Any]]) -> list[Item]:
    """Items back from a survey version's snapshot, so past answers are scored as asked.

    A snapshot that does not describe valid items (missing or unknown fields,
    an unknown scale, repeated keys) raises a ValueError rather than scoring
    answers against a guess.
    """
    items: list[Item] = []
    keys: set[str] = set()
    for position, data in enumerate(snapshot, start=1):
        missing = _REQUIRED_FIELDS - data.keys()
        unknown = data.keys() - _ITEM_FIELDS
        if missing or unknown:
            raise ValueError(
                f"snapshot item {position}: missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        translations = data.get("translations") or {}
        if not isinstance(translations, dict) or not all(
            is_language(code) and isinstance(text, str) for code, text in translations.items()
        ):
            raise ValueError(f"snapshot item {position}: translations are not language: text")
        item = Item.from_snapshot(data)
        if not is_language(item.language):
            raise ValueError(f"snapshot item {position}: unknown language {item.language!r}")
        if item.scale not in SCALES and item.scale != TEXT:
            raise ValueError(f"snapshot item {position}: unknown scale {item.scale!r}")
        if item.key in keys:
            raise ValueError(f"snapshot item {position}: key {item.key!r} repeated")
        keys.add(item.key)
        items.append(item)
    return items
