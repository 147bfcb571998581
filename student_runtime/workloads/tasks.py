"""CPU-bound tasks that suites hand to student code, and the log where they record their runs.

Everything here is importable by name, so that it pickles and runs under fork, spawn and
forkserver alike. Tasks log their runs through `notes`, which any process can write, whichever
start method created it and whoever its parent is.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from student_runtime.workloads import notes


def spin(iterations: int, seed: int = 0) -> int:
    """Pure-Python CPU work that holds the GIL for its whole run; the result depends on seed."""
    total = seed
    for i in range(iterations):
        total = (total + i * i) % 1_000_003
    return total


def square_mod(x: int, squarings: int, modulus: int) -> int:
    """x squared `squarings` times modulo `modulus`: work that has no shortcut without the
    modulus's factors, and whose every step waits on the one before."""
    for _ in range(squarings):
        x = x * x % modulus
    return x


def puzzle_base(seed: int, modulus: int) -> int:
    """The number a puzzle task starts from, drawn from its seed.

    A seed that is not an int is refused with a TypeError (as spin() refuses one), rather than
    multiplied: a tuple times a large number would exhaust memory instead.
    """
    if not isinstance(seed, int):
        raise TypeError(f"a puzzle's seed must be an int, not {type(seed).__name__} {seed!r}")
    return (seed * 2_654_435_761 + 3) % modulus or 3


def iterations_for(cpu_seconds: float) -> int:
    """How many spin() iterations take about this many seconds of CPU time on this machine.

    Measured in CPU time, not on a stopwatch: on a busy machine the stopwatch runs on while the
    probe waits for a CPU, and work sized by it would shrink. The fastest of a few probes is
    the least disturbed.
    """
    probe = 100_000
    fastest = float("inf")
    for _ in range(3):
        start = time.thread_time()
        spin(probe)
        fastest = min(fastest, time.thread_time() - start)
    return max(1_000, int(probe * cpu_seconds / max(fastest, 1e-4)))


@dataclass(frozen=True)
class TaskRecord:
    """One task's run as seen from inside it: which process and thread, when, and how much CPU.

    `item` is the input the task was given, for workloads whose suites follow items one by one.
    """

    pid: int
    thread: int
    start: float
    end: float
    cpu_s: float
    item: int | None = None

    @property
    def wall_s(self) -> float:
        return self.end - self.start

    @classmethod
    def here(cls, start: float, end: float, cpu_s: float = 0.0,
             item: int | None = None) -> "TaskRecord":
        """A record of a task that ran in this process and thread."""
        return cls(os.getpid(), threading.get_ident(), start, end, cpu_s, item)


class TaskLog:
    """A folder where tasks note when they begin and end (see `notes`), read back as TaskRecords.

    A task calls `begin()` as it starts and `write()` as it ends. Read from the grader's desk,
    a record's pid is the one the operating system named and its times are the desk's: a record
    with no begin() before it starts when it ends.
    """

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def begin(self) -> float:
        """Note that a task begins in this thread; return the moment (time.monotonic())."""
        at = time.monotonic()
        notes.note(self.directory, "begin", str(threading.get_ident()), at, keep_file=False)
        return at

    def write(self, record: TaskRecord) -> None:
        """Note that a task has ended, with its record."""
        item = "-" if record.item is None else record.item
        notes.note(self.directory, "log",
                   f"{record.thread} {record.start!r} {record.cpu_s!r} {item}", record.end)

    def read(self, order: str = "start") -> list[TaskRecord]:
        """Every complete record written so far, in the order tasks started (or "end"ed)."""
        begins = _begins_by_thread(notes.noted(self.directory, "begin"))
        last_end: dict[tuple[int, int], float] = {}
        records = []
        for ended in notes.noted(self.directory, "log"):
            fields = ended.text.split()
            if len(fields) != 4:
                continue
            thread, claimed_start, cpu = int(fields[0]), float(fields[1]), float(fields[2])
            item = None if fields[3] == "-" else int(fields[3])
            start = claimed_start
            if notes.from_desk():
                # The task's own begin: the last one in its thread since that thread's last end.
                since = last_end.get((ended.pid, thread), float("-inf"))
                own = [at for at in begins.get((ended.pid, thread), ()) if since <= at <= ended.at]
                start = own[-1] if own else ended.at
                last_end[(ended.pid, thread)] = ended.at
            records.append(TaskRecord(ended.pid, thread, start, ended.at, cpu, item))
        return sorted(records, key=lambda r: r.end if order == "end" else r.start)

    def clear(self) -> None:
        notes.forget(self.directory, "log")
        notes.forget(self.directory, "begin")


def _begins_by_thread(begins: list[notes.Note]) -> dict[tuple[int, int], list[float]]:
    found: dict[tuple[int, int], list[float]] = {}
    for begun in begins:
        try:
            found.setdefault((begun.pid, int(begun.text)), []).append(begun.at)
        except ValueError:
            continue
    return found


class TimedWork:
    """A CPU-bound task, callable as work(seed) or work(seed, delay_s), that logs a TaskRecord.

    With a modulus, the work is a time-lock puzzle: `iterations` squarings of a base drawn from
    the seed, modulo a number whose factors only the grader knows, so the answer cannot be had
    without the work. Without one, it is spin().

    time.monotonic() is one clock for the whole machine, so records from different processes can
    be compared to see whether tasks overlapped. thread_time() inside the task tells how much
    CPU the task's own thread really got, whatever else the machine (or the process) was doing.
    """

    def __init__(self, log_dir: str | os.PathLike, iterations: int,
                 modulus: int | None = None) -> None:
        self.log_dir = str(log_dir)
        self.iterations = iterations
        self.modulus = modulus

    def __call__(self, seed: int, delay_s: float = 0.0) -> int:
        start, cpu_start = TaskLog(self.log_dir).begin(), time.thread_time()
        if delay_s:
            notes.pause(delay_s)
        result = self._work(seed)
        end, cpu_end = time.monotonic(), time.thread_time()
        TaskLog(self.log_dir).write(TaskRecord.here(start, end, cpu_end - cpu_start))
        return result

    def _work(self, seed: int) -> int:
        if self.modulus is None:
            return spin(self.iterations, seed)
        return square_mod(puzzle_base(seed, self.modulus), self.iterations, self.modulus)

    def expected(self, seed: int) -> int:
        """The result work(seed) must give, computed the long way, without logging."""
        return self._work(seed)


class ChunkCountingFunction:
    """Wraps a function, and notes every message it is sent in: the chunks the work was cut into.

    A Pool (or an executor's map) pickles the function once for every message it sends to a
    worker, and the worker unpickles it once per message: each unpickling notes a "chunks"
    event in `log_dir`, from the worker that received it (`chunks_received`).

    Tiny tasks finish in microseconds, so one worker could take every chunk before a second one
    had even started, and a correct pool would look like a one-worker pool. So the first chunk a
    worker receives waits, up to `rendezvous_s`, until a second worker has received one too.
    """

    def __init__(self, func, log_dir: str | os.PathLike, rendezvous_s: float = 2.0) -> None:
        self.func = func
        self.log_dir = str(log_dir)
        self.rendezvous_s = rendezvous_s
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)

    def __call__(self, *args):
        return self.func(*args)

    def __reduce__(self):
        return (_received_chunk, (self.func, self.log_dir, self.rendezvous_s))


def chunks_received(log_dir: str | os.PathLike) -> list[notes.Note]:
    """One note per message a ChunkCountingFunction logging to log_dir was received in."""
    return notes.noted(log_dir, "chunks")


_waited_for_a_peer = False


def _received_chunk(func, log_dir: str, rendezvous_s: float) -> ChunkCountingFunction:
    """Unpickling in a worker: note this worker, and on its first chunk wait for a second one."""
    global _waited_for_a_peer
    directory = Path(log_dir)
    notes.note(directory, "chunks")
    if not _waited_for_a_peer:
        _waited_for_a_peer = True
        deadline = time.monotonic() + rendezvous_s
        while len(list(directory.glob("*.chunks"))) < 2 and time.monotonic() < deadline:
            notes.still_waiting()
            time.sleep(0.005)
    return ChunkCountingFunction(func, log_dir, rendezvous_s)


class LargeResult:
    """Returns `size` bytes made from x: a result far larger than a pipe's buffer (64 KiB on Linux)."""

    def __init__(self, size: int = 1_000_000) -> None:
        self.size = size

    def __call__(self, x: int) -> bytes:
        return bytes([x % 256]) * self.size


def square(x: int) -> int:
    """A task so small that sending it costs more than computing it."""
    return x * x


def exit_with(code: int) -> None:
    """A child target that ends with this exit code."""
    sys.exit(code)


def raise_error(message: str) -> None:
    """A child target that dies of an uncaught exception (exit code 1)."""
    raise RuntimeError(message)


def sleep_forever() -> None:
    """A child target that never finishes on its own."""
    while True:
        notes.pause(notes.PAUSE_HEARTBEAT_S)


class PausedSquare:
    """Squares x after a pause that is shorter for larger x, so later inputs finish first.

    It logs a TaskRecord, so a suite can tell whether child processes did the work.
    """

    # Pauses 50 ms apart: more than the spread of children's start-up, so the order is reversed.
    STEP_S = 0.05

    def __init__(self, log_dir: str | os.PathLike, longest_pause_s: float = 0.3) -> None:
        self.log_dir = str(log_dir)
        self.longest_pause_s = longest_pause_s

    def __call__(self, x: int) -> int:
        start = TaskLog(self.log_dir).begin()
        notes.pause(max(0.0, self.longest_pause_s - self.STEP_S * x))
        TaskLog(self.log_dir).write(TaskRecord.here(start, time.monotonic(), 0.0))
        return x * x


def nap(seconds: float) -> float:
    """Sleeps this long and returns it: a task that can be made to outlast any timeout."""
    notes.pause(seconds)
    return seconds
