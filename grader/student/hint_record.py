"""Which hints of each topic the student has been shown, kept in .grade/hints.json."""

from __future__ import annotations

import json
from pathlib import Path

from grader.reporting.scorecard import write_atomically

RECORD_PATH = Path(".grade") / "hints.json"
RECORD_VERSION = 1


class HintRecordError(ValueError):
    """The record file cannot be read; the message says why."""


def read_shown(path: Path = RECORD_PATH) -> dict[str, set[int]]:
    """The numbers (from 1, in topics.toml order) of the hints shown, by topic id.

    A missing file means nothing was shown yet; HintRecordError when it cannot be read.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise HintRecordError(getattr(error, "strerror", None) or str(error)) from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        raise HintRecordError("it is not JSON") from None
    shown = record.get("shown") if isinstance(record, dict) else None
    if not isinstance(shown, dict) or not all(
            isinstance(numbers, list) and all(type(n) is int for n in numbers)
            for numbers in shown.values()):
        raise HintRecordError("it does not hold a list of hint numbers per topic")
    return {topic_id: set(numbers) for topic_id, numbers in shown.items()}


def write_shown(shown: dict[str, set[int]], path: Path = RECORD_PATH) -> None:
    """Record the hints shown, replacing the file at once so that it is never half written."""
    record = {"version": RECORD_VERSION,
              "shown": {topic_id: sorted(numbers) for topic_id, numbers in shown.items()}}
    write_atomically(record, path)
