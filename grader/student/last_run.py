"""The results of the last grading run, read from its scorecard without running anything.

Every student command reads past results through last_results(), so that where they come from
(today the last scorecard) can change in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from grader.reporting.history import RESET, read_history, target_of
from grader.topics import LESSON, Topic, topics_of_track

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
    # The checks, in suite order, that neither passed nor were skipped.
    failing_checks: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def _failing_checks(checks: list) -> tuple[str, ...]:
    return tuple(str(check.get("name")) for check in checks
                 if check.get("outcome") not in ("passed", "skipped"))


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
                       _failing_checks(checks))


def _scorecard_results(path: Path, target: str) -> tuple[str, dict[str, TopicResult]]:
    """When the scorecard at path was made, and its topics' results: none when it graded
    another folder than `target` or was a focused run (one check, -x), which is not a topic's
    result."""
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
    if scorecard.get("focus") or target_of(scorecard) not in ("", target):
        return "", {}
    return str(scorecard.get("generated_at", "")), {result.id: result for result in results}


def last_results(path: Path, target: Path) -> dict[str, TopicResult]:
    """The last result of each topic graded in the folder `target`, by topic id; a topic never
    graded, or reset since, is absent.

    Reads the scorecard at path and the record of earlier runs (grader.reporting.history): for
    each topic, whichever is newer. Raises NoLastRun when there is neither, and LastRunError
    when the scorecard cannot be read.
    """
    folder = str(target.resolve())
    recorded: dict[str, tuple[str, TopicResult | None]] = {}
    for topic_id, entry in read_history(folder).items():
        if entry.get("status") == RESET:
            recorded[topic_id] = (str(entry.get("generated_at", "")), None)
            continue
        try:
            recorded[topic_id] = (str(entry.get("generated_at", "")), _topic_result(entry))
        except ValueError:
            continue
    try:
        made, from_card = _scorecard_results(path, folder)
    except NoLastRun:
        if not recorded:
            raise
        made, from_card = "", {}
    for topic_id, result in from_card.items():
        if topic_id not in recorded or recorded[topic_id][0] <= made:
            recorded[topic_id] = (made, result)
    return {topic_id: result for topic_id, (_, result) in recorded.items() if result is not None}


def next_topic(topics: tuple[Topic, ...], results: dict[str, TopicResult],
               kept_private: frozenset[str] = frozenset()) -> Topic | None:
    """The first topic in lesson order that has not passed; None when every one has."""
    return next((topic for topic in topics if topic.id not in kept_private
                 and not (topic.id in results and results[topic.id].passed)), None)


def current_topic(path: Path, target: Path) -> Topic:
    """The topic to work on now: the first of the lesson, in its order, that the folder's last
    run did not pass and that can be graded here; the lesson's first topic when there is no last
    run, or when every topic passes."""
    try:
        results = last_results(path, target)
    except LastRunError:
        results = {}
    topics = topics_of_track(LESSON)
    kept = frozenset(topic.id for topic in topics if topic.kept_by_instructor)
    return next_topic(topics, results, kept) or topics[0]
