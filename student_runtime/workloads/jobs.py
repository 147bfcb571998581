"""Jobs that end at set moments or fail on purpose, a progress report that notes each call, and
items that arrive as their jobs start.

Used by the callbacks suite. The jobs log, in worker processes, which item each one ran and when
it ended; the progress report logs, in the caller's process, when each report came and from
which thread. Set side by side, the two logs show whether progress was reported as the tasks
finished, and whether every result and every failure reached the caller under its own item.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from student_runtime.workloads import notes
from student_runtime.workloads.tasks import TaskLog, TaskRecord


class JobRejected(Exception):
    """The kit's own exception type, so that a suite can tell the job's failure from any other."""


class SquareOrReject:
    """x * x after a pause set per item (`pauses[x]`, else `default_pause_s`); items in
    `rejected` raise JobRejected instead, naming the item.

    Every call notes its item in `<pid>.started` as it starts, and logs a TaskRecord with its
    item when it ends, whether it returns or raises.
    """

    def __init__(self, log_dir: str | os.PathLike, pauses: dict[int, float] | None = None,
                 default_pause_s: float = 0.0, rejected=()) -> None:
        self.log_dir = str(log_dir)
        self.pauses = dict(pauses or {})
        self.default_pause_s = default_pause_s
        self.rejected = frozenset(rejected)
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)

    def __call__(self, x: int) -> int:
        start = TaskLog(self.log_dir).begin()
        notes.note(self.log_dir, "started", str(x))
        notes.pause(self.pauses.get(x, self.default_pause_s))
        TaskLog(self.log_dir).write(TaskRecord.here(start, time.monotonic(), item=x))
        return self.outcome(x)

    def started_items(self) -> set[int]:
        """The items whose task has started so far, in any process."""
        return {int(started.text) for started in notes.noted(self.log_dir, "started")}

    def outcome(self, x: int) -> int:
        """What a call gives, computed here and now: the result, or the exception it raises."""
        if x in self.rejected:
            raise JobRejected(f"job {x} was rejected")
        return x * x


@dataclass(frozen=True)
class ProgressCall:
    """One call of on_progress(done, total): where it was made, when, and with what."""

    pid: int
    thread: int
    at: float
    done: object
    total: object


class ProgressLog:
    """An on_progress(done, total) callable that notes every call in a file, with its moment.

    It pickles by its log directory, so even a call made in another process is noted (and then
    shown to have been made there).
    """

    def __init__(self, log_dir: str | os.PathLike) -> None:
        self.log_dir = str(log_dir)
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)

    def __call__(self, done, total) -> None:
        notes.note(self.log_dir, "progress", f"{threading.get_ident()} {done!r} {total!r}")

    def calls(self) -> list[ProgressCall]:
        """Every call noted so far, in the order they were made."""
        found = []
        for call in notes.noted(self.log_dir, "progress"):
            fields = call.text.split(" ", 2)
            if len(fields) == 3:
                thread, done, total = fields
                found.append(ProgressCall(call.pid, int(thread), call.at, _value(done),
                                          _value(total)))
        return found


def _value(text: str):
    """A logged argument back as the int it should be, else as the text it was."""
    try:
        return int(text)
    except ValueError:
        return text


# How often ArrivingJobs looks whether the task before has started, and how long it waits.
POLL_S = 0.001
PATIENCE_S = 1.0


class ArrivingJobs:
    """The items, handed out one at a time as a stream: each item comes only once the task for
    the one before it has started (as `started()` tells), or after `patience_s`.

    So the main thread takes the next item, and changes the tracker for it, while the task
    before it runs and its callback comes. Once a wait runs out of patience (the tasks are not
    being run as the items arrive), the rest come without waiting.
    """

    def __init__(self, items: list, started: Callable[[], set],
                 patience_s: float = PATIENCE_S) -> None:
        self.items = list(items)
        self.started = started
        self.patience_s = patience_s
        self.waited_out = False

    def __iter__(self):
        for index, item in enumerate(self.items):
            if index and not self.waited_out:
                self._await_start_of(self.items[index - 1])
            yield item

    def _await_start_of(self, item) -> None:
        deadline = time.monotonic() + self.patience_s
        while item not in self.started():
            if time.monotonic() > deadline:
                self.waited_out = True
                return
            notes.still_waiting()
            time.sleep(POLL_S)
