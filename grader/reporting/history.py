"""Each topic's latest result, kept across runs in .grade/last-results.json.

A run that grades one topic writes a scorecard holding that topic alone, so the last scorecard
cannot tell `grade list` how the others went. After every full (unfocused) run, its topics'
results are merged into this record; the last scorecard and the record are read together.
"""

from __future__ import annotations

import json
from pathlib import Path

from grader.reporting.scorecard import write_atomically

HISTORY_PATH = Path(".grade") / "last-results.json"
# Statuses that say nothing about the student's code: the topic was not graded in that run.
NOT_A_RESULT = ("not_graded",)


def topic_record(topic: dict, generated_at: str) -> dict:
    """What the record keeps of a scorecard's topic: its score, status and check outcomes."""
    return {"id": topic["id"], "score": topic["score"], "max_score": topic["max_score"],
            "status": topic["status"], "generated_at": generated_at,
            "checks": [{"name": c["name"], "outcome": c["outcome"]} for c in topic["checks"]]}


def read_history(path: Path | None = None) -> dict[str, dict]:
    """The recorded topics by id; empty when there is no record or it cannot be read."""
    try:
        record = json.loads((path or HISTORY_PATH).read_text(encoding="utf-8"))
        topics = record["topics"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {t["id"]: t for t in topics.values() if isinstance(t, dict) and "id" in t} \
        if isinstance(topics, dict) else {}


def record_run(scorecard: dict, path: Path | None = None) -> None:
    """Merge a run's results into the record; a focused run (one check, -x) is not a topic's
    result. Never raises: the record is a convenience, the scorecard is what counts."""
    if scorecard.get("focus"):
        return
    path = path or HISTORY_PATH
    topics = read_history(path)
    for topic in scorecard["topics"]:
        if topic["status"] not in NOT_A_RESULT:
            topics[topic["id"]] = topic_record(topic, scorecard["generated_at"])
    try:
        write_atomically({"version": 1, "topics": topics}, path)
    except OSError:
        pass
