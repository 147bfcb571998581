"""What runs at the far end of a student's pipe: handlers, producers, and a reporting wrapper.

Importable by name, so that all of it pickles and runs under fork, spawn and forkserver alike.

- run_and_report runs a student's worker function in a child and writes down, in a small JSON
  file, what it returned or raised (and at which line), so the grader can say so: a child's
  exception is otherwise only an exit code.
- reply and invert answer requests; invert keeps a message's size, so large requests get
  large answers.
- NumberedLines is a producer for a one-way pipe: a generator whose length the reader cannot
  know, that pauses partway and, when asked, dies abruptly partway as a killed process would.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from student_runtime.workloads import notes
from student_runtime.workloads.tasks import TaskLog, TaskRecord

# The status a producer dies with when told to die partway; os._exit runs no cleanup at all.
DIED_WITH = 70
INVERT_TABLE = bytes(255 - value for value in range(256))


def run_and_report(report_path: str, target, *args) -> None:
    """Call target(*args) and write what became of it to report_path; exit 1 if it raised.

    The report is {"returned": value} or {"raised": "Type: message", "type": "Type",
    "line": N}, where N is the deepest line of target's own file in the traceback.
    """
    try:
        returned = target(*args)
    except BaseException as error:  # noqa: BLE001 - the student's worker may raise anything
        text = str(error).strip().splitlines()
        name = type(error).__name__
        report = {"raised": f"{name}: {text[0]}" if text else name, "type": name,
                  "line": _deepest_line(error.__traceback__, target)}
        Path(report_path).write_text(json.dumps(report), encoding="utf-8")
        raise SystemExit(1) from None
    try:
        Path(report_path).write_text(json.dumps({"returned": returned}), encoding="utf-8")
    except TypeError:
        Path(report_path).write_text(json.dumps({"returned": repr(returned)}), encoding="utf-8")


def _deepest_line(tb, target) -> int | None:
    code = getattr(target, "__code__", None)
    found = None
    while tb is not None:
        if code is not None and tb.tb_frame.f_code.co_filename == code.co_filename:
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def read_report(report_path: str | os.PathLike) -> dict | None:
    """What run_and_report wrote, or None when the child never got that far."""
    try:
        return json.loads(Path(report_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def reply(request) -> str:
    """The answer to any request, None included: a string naming it."""
    return f"reply to {request!r}"


def invert(data: bytes) -> bytes:
    """Every byte of data flipped (255 - b): an answer exactly as large as its request."""
    return data.translate(INVERT_TABLE)


class NumberedLines:
    """A producer: NumberedLines(...)(prefix) yields f"{prefix} 0", f"{prefix} 1", ... in turn.

    It yields `count` lines, sleeping `pause_s` before line `pause_before`. With `die_after`
    set, it ends its whole process with os._exit(DIED_WITH) once that many lines are out: no
    exception, no finally block, no goodbye message, as a process killed by the system. Each
    call logs a TaskRecord as it begins, so a suite can tell which process ran it.
    """

    def __init__(self, log_dir: str | os.PathLike, count: int, pause_before: int | None = None,
                 pause_s: float = 0.0, die_after: int | None = None) -> None:
        self.log_dir = str(log_dir)
        self.count = count
        self.pause_before = pause_before
        self.pause_s = pause_s
        self.die_after = die_after

    def __call__(self, prefix: str):
        start = time.monotonic()
        TaskLog(self.log_dir).write(TaskRecord.here(start, start))
        for number in range(self.count):
            if number == self.die_after:
                os._exit(DIED_WITH)
            if number == self.pause_before:
                notes.pause(self.pause_s)
            yield f"{prefix} {number}"
        if self.die_after == self.count:
            os._exit(DIED_WITH)

    def lines(self, prefix: str) -> list[str]:
        """The lines a reader must get, computed without logging or dying."""
        last = self.count if self.die_after is None else min(self.count, self.die_after)
        return [f"{prefix} {number}" for number in range(last)]
