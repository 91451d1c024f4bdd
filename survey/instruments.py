"""The pulse-survey instrument library, as data, in our own wording.

A survey is built by picking dimensions (and optionally custom items on the
same scales). When a survey is saved its items are snapshotted into a
version (``Item.snapshot``), and past answers are always scored with the
snapshot they were given against.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# Scales: 5-point agreement, 0-10 recommendation, free text.
AGREE5 = "agree5"
RECOMMEND10 = "recommend10"
TEXT = "text"
SCALES: dict[str, tuple[int, int]] = {AGREE5: (1, 5), RECOMMEND10: (0, 10)}
AGREE5_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


@dataclass(frozen=True)
class Item:
    key: str
    dimension: str
    text: str
    scale: str = AGREE5
    reverse: bool = False
    required: bool = True

    def snapshot(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Item:
        return cls(**data)


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    family: str
    description: str
    items: tuple[Item, ...]
    kotter_step: str | None = None
