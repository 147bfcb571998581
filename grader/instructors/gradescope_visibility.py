"""Which of Gradescope's visibilities each test of results.json gets, as the instructor sets it.

A TOML file (`grade --gradescope-visibility FILE`; the autograder passes its gradescope.toml):

    default = "visible"              # every test, unless said otherwise below
    [kinds]                          # by the kind of check
    speedup = "after_published"
    [topics]                         # by topic: wins over the kind
    shared_memory = "hidden"

Each value is one of Gradescope's: visible, hidden, after_due_date, after_published.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

GRADESCOPE_VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
KINDS = ("correctness", "speedup", "race", "hygiene")


class VisibilityError(ValueError):
    """The visibility file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Visibility:
    """The visibility of each test: by topic, else by kind of check, else the default."""

    default: str = "visible"
    kinds: dict[str, str] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)

    def of(self, topic_id: str, kind: str | None = None) -> str:
        """The visibility of a test of this topic (and this kind of check, when it is one)."""
        return self.topics.get(topic_id) or (self.kinds.get(kind) if kind else None) or self.default


def _value(value, where: str) -> str:
    if value not in GRADESCOPE_VISIBILITIES:
        raise VisibilityError(f"{where} = {value!r}: Gradescope accepts "
                              f"{', '.join(GRADESCOPE_VISIBILITIES)}.")
    return value


def load_visibility(path: Path, topic_ids: list[str]) -> Visibility:
    """The visibilities in the TOML file at path; VisibilityError naming what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise VisibilityError(f"{path} cannot be read: {error}") from None
    unknown = set(data) - {"default", "kinds", "topics"}
    if unknown:
        raise VisibilityError(f"{path}: unknown keys {sorted(unknown)}; use default, [kinds] "
                              "and [topics].")
    kinds, topics = data.get("kinds", {}), data.get("topics", {})
    if not isinstance(kinds, dict) or not isinstance(topics, dict):
        raise VisibilityError(f"{path}: kinds and topics are tables, such as [kinds].")
    for name in set(kinds) - set(KINDS):
        raise VisibilityError(f"{path}: [kinds] {name}: the kinds are {', '.join(KINDS)}.")
    for name in set(topics) - set(topic_ids):
        raise VisibilityError(f"{path}: [topics] {name} is not a topic of this kit.")
    return Visibility(_value(data.get("default", "visible"), f"{path}: default"),
                      {k: _value(v, f"{path}: [kinds] {k}") for k, v in kinds.items()},
                      {t: _value(v, f"{path}: [topics] {t}") for t, v in topics.items()})
