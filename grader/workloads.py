"""Work that suites hand to student code: CPU-bound tasks that record where and when they ran.

Everything here is importable by name, so that it pickles and runs under fork, spawn and
forkserver alike. Records go to files, not to shared objects: any process can append a line to a
file, whichever start method created it and whoever its parent is.
"""

from __future__ import annotations

import collections
import os
import random
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


def spin(iterations: int, seed: int = 0) -> int:
    """Pure-Python CPU work that holds the GIL for its whole run; the result depends on seed."""
    total = seed
    for i in range(iterations):
        total = (total + i * i) % 1_000_003
    return total


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
    """One task's run as seen from inside it: which process and thread, when, and how much CPU."""

    pid: int
    thread: int
    start: float
    end: float
    cpu_s: float

    @property
    def wall_s(self) -> float:
        return self.end - self.start


class TaskLog:
    """A directory where tasks append their TaskRecords, one file per process."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def write(self, record: TaskRecord) -> None:
        """Append one record; a single short write to a file opened for appending is atomic."""
        line = f"{record.pid} {record.thread} {record.start!r} {record.end!r} {record.cpu_s!r}\n"
        with open(self.directory / f"{record.pid}.log", "a", encoding="ascii") as file:
            file.write(line)

    def read(self) -> list[TaskRecord]:
        """Every complete record written so far, in start order."""
        records = []
        for path in self.directory.glob("*.log"):
            for line in path.read_text(encoding="ascii").splitlines():
                fields = line.split()
                if len(fields) == 5:
                    pid, thread = int(fields[0]), int(fields[1])
                    start, end, cpu = (float(f) for f in fields[2:])
                    records.append(TaskRecord(pid, thread, start, end, cpu))
        return sorted(records, key=lambda r: r.start)

    def clear(self) -> None:
        for path in self.directory.glob("*.log"):
            path.unlink()


class TimedWork:
    """A CPU-bound task, callable as work(seed) or work(seed, delay_s), that logs a TaskRecord.

    time.monotonic() is one clock for the whole machine, so records from different processes can
    be compared to see whether tasks overlapped. thread_time() inside the task tells how much
    CPU the task's own thread really got, whatever else the machine (or the process) was doing.
    """

    def __init__(self, log_dir: str | os.PathLike, iterations: int) -> None:
        self.log_dir = str(log_dir)
        self.iterations = iterations

    def __call__(self, seed: int, delay_s: float = 0.0) -> int:
        start, cpu_start = time.monotonic(), time.thread_time()
        if delay_s:
            time.sleep(delay_s)
        result = spin(self.iterations, seed)
        end, cpu_end = time.monotonic(), time.thread_time()
        record = TaskRecord(os.getpid(), threading.get_ident(), start, end, cpu_end - cpu_start)
        TaskLog(self.log_dir).write(record)
        return result

    def expected(self, seed: int) -> int:
        """The result work(seed) must give, computed without logging."""
        return spin(self.iterations, seed)


class ChunkCountingFunction:
    """Wraps a function; counts the messages it is sent in, and which processes received them.

    A Pool (or an executor's map) pickles the function once for every message it sends to a
    worker, so the count of pickles here is the number of chunks the work was cut into. Each copy
    unpickled in a worker notes that worker's pid in `log_dir`.

    Tiny tasks finish in microseconds, so one worker could take every chunk before a second one
    had even started, and a correct pool would look like a one-worker pool. So the first chunk a
    worker receives waits, up to `rendezvous_s`, until a second worker has received one too.
    """

    def __init__(self, func, log_dir: str | os.PathLike, rendezvous_s: float = 2.0) -> None:
        self.func = func
        self.log_dir = str(log_dir)
        self.rendezvous_s = rendezvous_s
        self.pickles = 0
        self._lock = threading.Lock()
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)

    def __call__(self, *args):
        return self.func(*args)

    def __reduce__(self):
        with self._lock:
            self.pickles += 1
        return (_received_chunk, (self.func, self.log_dir, self.rendezvous_s))

    def receiving_pids(self) -> set[int]:
        """The processes that received at least one chunk."""
        return {int(path.stem) for path in Path(self.log_dir).glob("*.chunks")}


_waited_for_a_peer = False


def _received_chunk(func, log_dir: str, rendezvous_s: float) -> ChunkCountingFunction:
    """Unpickling in a worker: note this worker, and on its first chunk wait for a second one."""
    global _waited_for_a_peer
    directory = Path(log_dir)
    with open(directory / f"{os.getpid()}.chunks", "a", encoding="ascii") as file:
        file.write("1\n")
    if not _waited_for_a_peer:
        _waited_for_a_peer = True
        deadline = time.monotonic() + rendezvous_s
        while len(list(directory.glob("*.chunks"))) < 2 and time.monotonic() < deadline:
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
        time.sleep(0.05)


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
        start = time.monotonic()
        time.sleep(max(0.0, self.longest_pause_s - self.STEP_S * x))
        TaskLog(self.log_dir).write(TaskRecord(os.getpid(), threading.get_ident(), start,
                                               time.monotonic(), 0.0))
        return x * x


def in_shared_memory(block) -> bool:
    """True when a NumPy array is a view on a memory-mapped segment, such as SharedMemory.buf.

    Follows the array's bases down to what owns the memory: a SharedMemory's mmap, on every
    platform, or an array that owns its data (a private copy, as made by pickling).
    """
    import mmap

    owner = block
    for _ in range(64):
        if isinstance(owner, mmap.mmap):
            return True
        if isinstance(owner, memoryview):
            owner = owner.obj
        elif getattr(owner, "base", None) is not None:
            owner = owner.base
        else:
            return False
    return False


def sin_passes_for(cpu_seconds: float, elements: int) -> int:
    """How many np.sin passes over `elements` float64 values take about this much CPU time."""
    import numpy as np

    probe = np.linspace(0.0, 1.0, 200_000)
    scratch = np.empty_like(probe)
    fastest = float("inf")
    for _ in range(3):
        start = time.thread_time()
        np.sin(probe, out=scratch)
        fastest = min(fastest, time.thread_time() - start)
    per_element = max(fastest, 1e-5) / probe.size
    return max(1, round(cpu_seconds / (per_element * max(elements, 1))))


class BlockTransform:
    """An in-place, per-element NumPy operation on one block of a shared array: x -> 2x + 1.

    Called as func(block) with a NumPy array (a slice of the shared array), it changes the block
    in place and returns None. Before its write it makes `passes` passes of np.sin over the
    block into a scratch array, so that its CPU cost grows with the block's size. NumPy ufuncs
    release the GIL, so the CPU it got is read with thread_time(). It logs a TaskRecord, and in
    `<pid>.blocks` whether the block it was given was a view on shared memory or a private
    copy, with its size.
    """

    def __init__(self, log_dir: str | os.PathLike, passes: int = 0) -> None:
        self.log_dir = str(log_dir)
        self.passes = passes

    def __call__(self, block) -> None:
        import numpy as np

        start, cpu_start = time.monotonic(), time.thread_time()
        if self.passes:
            scratch = np.empty_like(block)
            for _ in range(self.passes):
                np.sin(block, out=scratch)
        block *= 2
        block += 1
        end, cpu_end = time.monotonic(), time.thread_time()
        TaskLog(self.log_dir).write(TaskRecord(os.getpid(), threading.get_ident(), start, end,
                                               cpu_end - cpu_start))
        line = f"{os.getpid()} {int(in_shared_memory(block))} {block.size}\n"
        with open(Path(self.log_dir) / f"{os.getpid()}.blocks", "a", encoding="ascii") as file:
            file.write(line)

    @staticmethod
    def expected(values):
        """What the whole array must hold once every block has been transformed."""
        return values * 2 + 1

    def blocks(self) -> list[tuple[int, bool, int]]:
        """(pid, in shared memory, elements) for every block transformed so far."""
        found = []
        for path in Path(self.log_dir).glob("*.blocks"):
            for line in path.read_text(encoding="ascii").splitlines():
                fields = line.split()
                if len(fields) == 3:
                    found.append((int(fields[0]), fields[1] == "1", int(fields[2])))
        return found


class FailingBlockTransform:
    """A per-block function that always raises, as a worker's bug would."""

    def __call__(self, block) -> None:
        raise ValueError(f"this block of {len(block)} values cannot be transformed (on purpose)")


# --- executor: tasks that record which item they ran, raise, hang or kill their worker ---


@dataclass(frozen=True)
class ItemRecord:
    """One task's run for one item: which item, in which process, and when it started and ended."""

    item: int
    pid: int
    start: float
    end: float


class ItemLog:
    """A directory where tasks append ItemRecords, one file per process."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def write(self, record: ItemRecord) -> None:
        line = f"{record.item} {record.pid} {record.start!r} {record.end!r}\n"
        with open(self.directory / f"{record.pid}.items", "a", encoding="ascii") as file:
            file.write(line)

    def read(self) -> list[ItemRecord]:
        """Every complete record written so far, in the order the tasks ended."""
        records = []
        for path in self.directory.glob("*.items"):
            for line in path.read_text(encoding="ascii").splitlines():
                fields = line.split()
                if len(fields) == 4:
                    records.append(ItemRecord(int(fields[0]), int(fields[1]),
                                              float(fields[2]), float(fields[3])))
        return sorted(records, key=lambda r: r.end)


class StaggeredSquare:
    """x * x after a pause set per item (`pauses[x]`, else `default_pause_s`); logs an ItemRecord.

    With pauses that shrink as x grows, later items finish first, so the order of completion
    differs from the order of submission; the records tell the order the tasks really ended in.
    """

    def __init__(self, log_dir: str | os.PathLike, pauses: dict[int, float],
                 default_pause_s: float = 0.0) -> None:
        self.log_dir = str(log_dir)
        self.pauses = dict(pauses)
        self.default_pause_s = default_pause_s

    def __call__(self, x: int) -> int:
        start = time.monotonic()
        time.sleep(self.pauses.get(x, self.default_pause_s))
        ItemLog(self.log_dir).write(ItemRecord(x, os.getpid(), start, time.monotonic()))
        return x * x


class WorkloadError(Exception):
    """An exception type of the kit's own, to show that a worker's exception keeps its type."""


class SquareUnlessRejected:
    """x * x, except that x % 3 == 1 raises ValueError and x % 3 == 2 raises WorkloadError.

    Every call logs an ItemRecord first, so a suite can tell which process ran it.
    """

    def __init__(self, log_dir: str | os.PathLike) -> None:
        self.log_dir = str(log_dir)

    def __call__(self, x: int) -> int:
        now = time.monotonic()
        ItemLog(self.log_dir).write(ItemRecord(x, os.getpid(), now, now))
        return self.outcome(x)

    @staticmethod
    def outcome(x: int) -> int:
        """What a call gives, computed here and now: the result, or the exception it raises."""
        if x % 3 == 1:
            raise ValueError(f"item {x} is rejected: it leaves remainder 1")
        if x % 3 == 2:
            raise WorkloadError(f"item {x} is rejected: it leaves remainder 2")
        return x * x


def nap(seconds: float) -> float:
    """Sleeps this long and returns it: a task that can be made to outlast any timeout."""
    time.sleep(seconds)
    return seconds


def square_or_crash(x: int) -> int:
    """x * x; for a negative x the worker process dies at once (os._exit), as one killed by the
    operating system (out of memory, a crash in C code) would, without raising anything."""
    if x < 0:
        os._exit(70)
    time.sleep(0.01)
    return x * x


# --- why_processes: a task that waits, as I/O does, instead of computing ---


class WaitingSquare:
    """x * x after waiting `pause_s` without using the CPU, as a network request or a disk read does.

    It logs a TaskRecord (with CPU time near 0), so a suite can tell which process and thread
    ran each wait, and whether the waits overlapped.
    """

    def __init__(self, log_dir: str | os.PathLike, pause_s: float = 0.05) -> None:
        self.log_dir = str(log_dir)
        self.pause_s = pause_s

    def __call__(self, x: int) -> int:
        start, cpu_start = time.monotonic(), time.thread_time()
        time.sleep(self.pause_s)
        TaskLog(self.log_dir).write(TaskRecord(os.getpid(), threading.get_ident(), start,
                                               time.monotonic(), time.thread_time() - cpu_start))
        return x * x


class FailsOn:
    """Squares x, but raises ValueError for the inputs in `bad`, as a task with a bug would.

    It logs a TaskRecord for every input it is given, so a suite can tell which processes ran it.
    """

    def __init__(self, log_dir: str | os.PathLike, bad) -> None:
        self.log_dir = str(log_dir)
        self.bad = frozenset(bad)

    def __call__(self, x: int) -> int:
        start = time.monotonic()
        TaskLog(self.log_dir).write(TaskRecord(os.getpid(), threading.get_ident(), start,
                                               time.monotonic(), 0.0))
        if x in self.bad:
            raise ValueError(f"cannot process {x!r}")
        return x * x

    @staticmethod
    def error_text(x: int) -> str:
        """The error a failed input must be reported with: 'TypeName: message'."""
        return f"ValueError: cannot process {x!r}"


class SlowSquare:
    """Squares x after a pause of pause_s, for the inputs in `slow` (every input when None).

    With a long pause it is a stuck task. It notes in `log_dir` that a task has started, so
    that a suite can wait until the work is under way.
    """

    def __init__(self, log_dir: str | os.PathLike, pause_s: float, slow=None) -> None:
        self.log_dir = str(log_dir)
        self.pause_s = pause_s
        self.slow = None if slow is None else frozenset(slow)

    def __call__(self, x: int) -> int:
        with open(Path(self.log_dir) / f"{os.getpid()}.started", "a", encoding="ascii") as file:
            file.write(f"{x}\n")
        if self.slow is None or x in self.slow:
            time.sleep(self.pause_s)
        return x * x

    def started(self) -> int:
        """How many tasks have started so far."""
        return sum(len(path.read_text(encoding="ascii").split())
                   for path in Path(self.log_dir).glob("*.started"))


class LookupTable(dict):
    """A dict that notes which process looked a key up in it, one line per lookup."""

    def __init__(self, data, log_dir: str | os.PathLike) -> None:
        super().__init__(data)
        self.log_dir = str(log_dir)
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)

    def __getitem__(self, key):
        with open(Path(self.log_dir) / f"{os.getpid()}.lookups", "a", encoding="ascii") as file:
            file.write("1\n")
        return super().__getitem__(key)

    def lookup_pids(self) -> set[int]:
        """The processes that looked at least one key up."""
        return {int(path.stem) for path in Path(self.log_dir).glob("*.lookups")}


# --- map_reduce: a word corpus the kit generates, and a map function that records its runs ---

# Words of the corpus; they appear capitalised, in capitals, joined by hyphens and followed by
# punctuation, beside numbers, so that only the exact tokenising rule counts them right.
VOCABULARY = (
    "the", "a", "of", "and", "to", "in", "is", "process", "pool", "worker", "queue", "pipe",
    "lock", "value", "array", "manager", "shared", "memory", "parallel", "serial", "task",
    "result", "future", "map", "reduce", "chunk", "count", "word", "merge", "split", "core",
    "thread", "gil", "python", "fast", "slow", "start", "join", "spawn", "fork", "server",
    "data", "time", "work", "cpu", "bound", "known", "well", "high", "level", "x", "i",
)
WORD_RULE = re.compile(r"[a-z]+")


def word_corpus(n_lines: int, seed: int = 0) -> list[str]:
    """n_lines lines of seeded random words with mixed case, punctuation, hyphens and numbers.

    The same seed gives the same lines on every machine and Python version.
    """
    rng = random.Random(seed)
    lines = []
    for _ in range(n_lines):
        tokens = []
        for _ in range(rng.randint(0, 14)):
            word = rng.choice(VOCABULARY)
            roll = rng.random()
            if roll < 0.15:
                word = word.capitalize()
            elif roll < 0.2:
                word = word.upper()
            elif roll < 0.25:
                word = f"{word}-{rng.choice(VOCABULARY)}"
            elif roll < 0.28:
                word = str(rng.randint(0, 2026))
            if rng.random() < 0.2:
                word += rng.choice(",.;:!?")
            if rng.random() < 0.05:
                word = f'"{word}"' if rng.random() < 0.5 else f"({word})"
            tokens.append(word)
        lines.append(" ".join(tokens) if rng.random() < 0.9 else "  ".join(tokens) + " ")
    return lines


def count_by_the_rule(lines) -> "collections.Counter":
    """The kit's own word count: lowercase, and a word is a maximal run of the letters a to z."""
    counts = collections.Counter()
    for line in lines:
        counts.update(WORD_RULE.findall(line.lower()))
    return counts


def corpus_for(cpu_seconds: float, block_lines: int = 2000, seed: int = 0) -> list[str]:
    """A corpus whose counting by the kit's rule takes about this much CPU time here.

    A block of distinct lines is repeated, so that a large corpus is built in milliseconds;
    counting it still takes the time its size implies. Sized by CPU time (the fastest of three
    probes), as iterations_for() sizes spin().
    """
    block = word_corpus(block_lines, seed)
    fastest = float("inf")
    for _ in range(3):
        start = time.thread_time()
        count_by_the_rule(block)
        fastest = min(fastest, time.thread_time() - start)
    return block * max(1, round(cpu_seconds / max(fastest, 1e-4)))


class RecordingMapper:
    """Wraps a map function (the student's count_words); each call logs a TaskRecord.

    It pickles as the wrapped function (by name) and a log directory, so it travels to worker
    processes under every start method, and each chunk counted leaves a record of which process
    counted it, when, and with how much CPU.
    """

    def __init__(self, func, log_dir: str | os.PathLike) -> None:
        self.func = func
        self.log_dir = str(log_dir)

    def __call__(self, chunk):
        start, cpu_start = time.monotonic(), time.thread_time()
        result = self.func(chunk)
        end, cpu_end = time.monotonic(), time.thread_time()
        TaskLog(self.log_dir).write(TaskRecord(os.getpid(), threading.get_ident(), start, end,
                                               cpu_end - cpu_start))
        return result


# --- pool_methods: the caller's own work, done while its tasks run in the background ---


class WaitsForATask:
    """Work the caller does while its tasks run elsewhere: waits until one of them has finished.

    Called with no arguments, it waits until a task logged in `task_log_dir` (as ItemRecords, by
    StaggeredSquare) has finished, or until `patience_s` has passed, then returns how many had
    finished by then. It logs an ItemRecord of its own in `log_dir`, whose item is that count, so
    a suite can tell where and when it ran, and whether the tasks were already under way.
    """

    def __init__(self, task_log_dir: str | os.PathLike, log_dir: str | os.PathLike,
                 patience_s: float = 3.0) -> None:
        self.task_log_dir = str(task_log_dir)
        self.log_dir = str(log_dir)
        self.patience_s = patience_s

    def __call__(self) -> int:
        start = time.monotonic()
        deadline = start + self.patience_s
        finished = len(ItemLog(self.task_log_dir).read())
        while finished == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
            finished = len(ItemLog(self.task_log_dir).read())
        ItemLog(self.log_dir).write(ItemRecord(finished, os.getpid(), start, time.monotonic()))
        return finished
