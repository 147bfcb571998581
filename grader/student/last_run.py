"""The results of the last grading run, read from its scorecard without running anything.

Every student command reads past results through last_results(), so that where they come from
(today the last scorecard) can change in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from grader.reporting.history import read_history

NO_SCORECARD = (
    "No scorecard at {path} yet: nothing has been graded. Run `grade` to grade every topic, or "
    "`grade TOPIC` for one."
)
UNREADABLE_SCORECARD = (
    "The scorecard at {path} cannot be read ({reason}). Run `grade` to write a new one."
)


class LastRunError(Exception):
    """The last run's results cannot be read; the message says why and what to do."""


class NoLastRun(LastRunError):
    """Nothing has been graded yet: there is no scorecard."""


@dataclass(frozen=True)
class TopicResult:
    """One topic as the last run left it."""

    id: str
    score: int
    max_score: int
    status: str
    # The first check, in suite order, that neither passed nor was skipped.
    failing_check: str | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def _first_failing_check(checks: list) -> str | None:
    for check in checks:
        if check.get("outcome") not in ("passed", "skipped"):
            return check.get("name")
    return None


def _topic_result(entry) -> TopicResult:
    """A TopicResult from a scorecard's topic entry; ValueError when the entry is malformed."""
    if not isinstance(entry, dict):
        raise ValueError(f"a topic entry is {type(entry).__name__}, not an object")
    kinds = {"id": str, "score": int, "max_score": int, "status": str}
    wrong = [key for key, kind in kinds.items() if not isinstance(entry.get(key), kind)]
    checks = entry.get("checks", [])
    if wrong or not isinstance(checks, list) or not all(isinstance(c, dict) for c in checks):
        raise ValueError(f"topic {entry.get('id', '?')!r} lacks a valid "
                         f"{', '.join(wrong) or 'list of checks'}")
    return TopicResult(entry["id"], entry["score"], entry["max_score"], entry["status"],
                       _first_failing_check(checks))


def _scorecard_results(path: Path) -> tuple[str, dict[str, TopicResult]]:
    """When the scorecard at path was made, and its topics' results."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NoLastRun(NO_SCORECARD.format(path=path)) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise LastRunError(UNREADABLE_SCORECARD.format(path=path, reason=reason)) from None
    try:
        scorecard = json.loads(text)
        if not isinstance(scorecard, dict) or not isinstance(scorecard.get("topics"), list):
            raise ValueError("it has no list of topics")
        results = [_topic_result(entry) for entry in scorecard["topics"]]
    except ValueError as error:
        reason = "it is not JSON" if isinstance(error, json.JSONDecodeError) else str(error)
        raise LastRunError(UNREADABLE_SCORECARD.format(path=path, reason=reason)) from None
    return str(scorecard.get("generated_at", "")), {result.id: result for result in results}


def last_results(path: Path) -> dict[str, TopicResult]:
    """The last result of each topic graded, by topic id; a topic never graded is absent.

    Reads the scorecard at path and the record of earlier runs (grader.reporting.history): for
    each topic, whichever is newer. Raises NoLastRun when there is neither, and LastRunError
    when the scorecard cannot be read.
    """
    recorded = {}
    for topic_id, entry in read_history().items():
        try:
            recorded[topic_id] = (str(entry.get("generated_at", "")), _topic_result(entry))
        except ValueError:
            continue
    try:
        made, from_card = _scorecard_results(path)
    except NoLastRun:
        if not recorded:
            raise
        made, from_card = "", {}
    for topic_id, result in from_card.items():
        if topic_id not in recorded or recorded[topic_id][0] <= made:
            recorded[topic_id] = (made, result)
    return {topic_id: result for topic_id, (_, result) in recorded.items()}
