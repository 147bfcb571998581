"""The queues topic's work: batches that producers put on a queue, and a handler consumers call.

Both note, from inside the process that runs them, what they did. A Batch records which process
iterated it and every item it gave out; a RecordingHandler records every item it was handed, by
which process, when its handling began and ended (TaskRecords with the item). So which items
were consumed, how many times, by which processes, and whether rounds overlapped are read from
files (produced(), HandlingLog), not guessed from timing or from what the code returned.

Build both in the student's process (`student.make`): they create their log folders, which the
student's processes must be able to write to.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

from student_runtime.workloads import notes
from student_runtime.workloads.tasks import TaskLog, TaskRecord

# The exit code of a consumer that the handler kills mid-stream, as the operating system or a
# crash in C code would kill it: no exception, no clean-up, no task_done().
DIED_EXIT_CODE = 70
PACE_POLL_S = 0.005


class LargeItem:
    """An item that carries `nbytes` of payload; it is known by its key."""

    def __init__(self, key: int, nbytes: int) -> None:
        self.key = key
        self.payload = bytes(nbytes)

    def __repr__(self) -> str:
        return f"LargeItem({self.key}, {len(self.payload):,} bytes)"


def item_key(item) -> int | None:
    """The key an item is known by: the int itself, a LargeItem's key; None for anything else."""
    if isinstance(item, LargeItem):
        return item.key
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    return None


class Batch:
    """One producer's items, to be iterated in the producer process and put on a queue one by one.

    Each item given out is noted in `<pid>.produced` in log_dir. Paced (consumed_dir given), the
    batch waits start_delay_s before its first item, and before each later item waits until the
    previous one has been handled (logged in consumed_dir, up to pace_wait_s, after which it stops
    waiting) and then pause_s more: so the queue runs empty again and again before the stream
    ends, as it does whenever producers are slower than consumers.
    """

    def __init__(self, items, log_dir: str | os.PathLike,
                 consumed_dir: str | os.PathLike | None = None, start_delay_s: float = 0.0,
                 pause_s: float = 0.0, pace_wait_s: float = 1.0) -> None:
        self.items = list(items)
        self.log_dir = str(log_dir)
        self.consumed_dir = None if consumed_dir is None else str(consumed_dir)
        self.start_delay_s = start_delay_s
        self.pause_s = pause_s
        self.pace_wait_s = pace_wait_s
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"<Batch of {len(self.items)} items>"

    def __iter__(self):
        pacing = self.consumed_dir is not None
        if pacing and self.start_delay_s:
            notes.pause(self.start_delay_s)
        for index, item in enumerate(self.items):
            if pacing and index:
                pacing = self._wait_until_handled(item_key(self.items[index - 1]))
                notes.pause(self.pause_s)
            notes.note(self.log_dir, "produced", str(item_key(item)))
            yield item

    def _wait_until_handled(self, key: int) -> bool:
        """Wait until `key` has been handled; False (stop pacing) if that took pace_wait_s."""
        deadline = time.monotonic() + self.pace_wait_s
        while time.monotonic() < deadline:
            if key in {record.item for record in TaskLog(self.consumed_dir).read()}:
                return True
            notes.still_waiting()
            time.sleep(PACE_POLL_S)
        return False


def produced(log_dir: str | os.PathLike) -> list[tuple[int, int]]:
    """(pid, key) for every item the batches logged in log_dir gave out."""
    return [(given.pid, int(given.text)) for given in notes.noted(log_dir, "produced")
            if given.text != "None"]


class RecordingHandler:
    """What consumers call on each item: logs a TaskRecord with the item's key, pid and times.

    - pauses: seconds to spend on given keys (default_pause_s for the others), so that handling
      takes long enough to be seen overlapping or not.
    - rendezvous: the first item a process handles waits (up to rendezvous_s) until that many
      processes have each begun handling one, so that every consumer started takes part even
      when the items are few and quick.
    - dies_on: keys whose handling kills the process at once (os._exit(DIED_EXIT_CODE)).

    A sentinel (None) or anything that is not an item is noted separately and not handled.
    """

    def __init__(self, log_dir: str | os.PathLike, pauses: dict[int, float] | None = None,
                 default_pause_s: float = 0.0, rendezvous: int = 0, rendezvous_s: float = 3.0,
                 dies_on=()) -> None:
        self.log_dir = str(log_dir)
        self.pauses = dict(pauses or {})
        self.default_pause_s = default_pause_s
        self.rendezvous = rendezvous
        self.rendezvous_s = rendezvous_s
        self.dies_on = frozenset(dies_on)
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)

    def __call__(self, item) -> None:
        start = TaskLog(self.log_dir).begin()
        key = item_key(item)
        if key is None:
            self._note("not_items", "sentinel" if item is None else type(item).__name__)
            return
        self._meet_the_others()
        if key in self.dies_on:
            self._note("died", str(key))
            os._exit(DIED_EXIT_CODE)
        notes.pause(self.pauses.get(key, self.default_pause_s))
        TaskLog(self.log_dir).write(TaskRecord.here(start, time.monotonic(), item=key))

    def _note(self, kind: str, what: str) -> None:
        notes.note(self.log_dir, kind, what)

    def _meet_the_others(self) -> None:
        if self.rendezvous < 2:
            return
        marker = Path(self.log_dir) / f"{os.getpid()}.consumer"
        if marker.exists():
            return
        marker.touch()
        deadline = time.monotonic() + self.rendezvous_s
        while (len(list(Path(self.log_dir).glob("*.consumer"))) < self.rendezvous
               and time.monotonic() < deadline):
            notes.still_waiting()
            time.sleep(PACE_POLL_S)


class HandlingLog:
    """What RecordingHandlers logged in log_dir, read back from the files (by the grader)."""

    def __init__(self, log_dir: str | os.PathLike) -> None:
        self.log_dir = str(log_dir)

    def records(self) -> list[TaskRecord]:
        """Every item handled so far, in the order handling began."""
        return TaskLog(self.log_dir).read()

    def not_items(self) -> Counter:
        """What handle() was given that is not an item ("sentinel", or a type name), counted."""
        return Counter(given.text for given in notes.noted(self.log_dir, "not_items"))

    def died(self) -> list[tuple[int, int]]:
        """(pid, key) of every process the handler killed."""
        return [(died.pid, int(died.text)) for died in notes.noted(self.log_dir, "died")]


def tally(expected_keys, handled_keys) -> tuple[list[int], dict[int, int]]:
    """The keys never handled, and the keys handled more than once with how many times."""
    counts = Counter(handled_keys)
    lost = sorted(key for key in expected_keys if counts[key] == 0)
    duplicated = {key: n for key, n in sorted(counts.items()) if n > 1}
    return lost, duplicated
