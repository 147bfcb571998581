"""Each topic's latest result, kept across runs in .grade/last-results.json, for each folder of
exercises graded.

A run that grades one topic writes a scorecard holding that topic alone, so the last scorecard
cannot tell `grade list` how the others went. After every full (unfocused) run, its topics'
results are merged into this record, under the folder that was graded; `grade reset` marks
the topics it resets. The last scorecard and the record are read together.
"""

from __future__ import annotations

import json
from pathlib import Path

from grader.reporting.scorecard import NOT_A_RESULT, write_atomically

HISTORY_PATH = Path(".grade") / "last-results.json"
VERSION = 2
# The status recorded for a topic whose file was put back to the stub: no result until graded.
RESET = "reset"


def target_of(scorecard: dict) -> str:
    """The folder a scorecard graded ("" when it does not say)."""
    target = scorecard.get("target")
    return str(target.get("path", "")) if isinstance(target, dict) else ""


def topic_record(topic: dict, generated_at: str) -> dict:
    """What the record keeps of a scorecard's topic: its score, status and check outcomes."""
    return {"id": topic["id"], "score": topic["score"], "max_score": topic["max_score"],
            "status": topic["status"], "generated_at": generated_at,
            "checks": [{"name": c["name"], "outcome": c["outcome"]} for c in topic["checks"]]}


def _read(path: Path) -> dict[str, dict]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        targets = record["targets"] if record.get("version") == VERSION else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    return targets if isinstance(targets, dict) else {}


def read_history(target: str, path: Path | None = None) -> dict[str, dict]:
    """The recorded topics of the folder `target`, by id; empty when there is no record or it
    cannot be read."""
    topics = _read(path or HISTORY_PATH).get(target, {})
    return {t["id"]: t for t in topics.values() if isinstance(t, dict) and "id" in t} \
        if isinstance(topics, dict) else {}


def _update(target: str, entries: list[dict], path: Path | None) -> None:
    path = path or HISTORY_PATH
    targets = _read(path)
    topics = targets.get(target)
    topics = topics if isinstance(topics, dict) else {}
    topics.update({entry["id"]: entry for entry in entries})
    targets[target] = topics
    try:
        write_atomically({"version": VERSION, "targets": targets}, path)
    except OSError:
        pass


def record_run(scorecard: dict, path: Path | None = None) -> None:
    """Merge a run's results into the record; a focused run (one check, -x) is not a topic's
    result. Never raises: the record is a convenience, the scorecard is what counts."""
    if scorecard.get("focus"):
        return
    _update(target_of(scorecard), [topic_record(topic, scorecard["generated_at"])
                                   for topic in scorecard["topics"]
                                   if topic["status"] not in NOT_A_RESULT], path)


def record_reset(target: str, topic_id: str, at: str, path: Path | None = None) -> None:
    """Record that the topic's file in the folder `target` was put back to its stub at `at`
    (an ISO time, as scorecards give it): its earlier results no longer count."""
    _update(target, [{"id": topic_id, "status": RESET, "generated_at": at}], path)


def first_not_passed(target: str, topic_ids: list[str], path: Path | None = None) -> str | None:
    """The first of topic_ids whose recorded result in the folder `target` is not a pass (or
    that has none); None when every one passes."""
    recorded = read_history(target, path)
    return next((topic_id for topic_id in topic_ids
                 if recorded.get(topic_id, {}).get("status") != "passed"), None)
