"""The CPU time the kernel charged to a process and its descendants during a run.

Task records are written by the student's process and can say anything; the kernel's
accounting of that process and of every process it started cannot be written by it. A sampler
thread reads it (psutil) twenty times a second while the run lasts, so that a worker that exits
before the run ends is still counted, up to its last sample. The kernel also counts the bytes
each process writes (`written_bytes`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import psutil

from grader import system

SAMPLE_EVERY_S = 0.05
# Where psutil must read every process of the machine to list a tree, it does so every few
# samples only, so that sampling takes little of a CPU that the student's run may need.
RESCAN_EVERY = 4
def process_cpu_s(proc: psutil.Process) -> float | None:
    """The CPU the kernel has charged to proc so far (user and system), or None once it is gone."""
    try:
        times = proc.cpu_times()
    except psutil.Error:
        return None
    return times.user + times.system


@dataclass(frozen=True)
class TreeCpu:
    """CPU seconds charged during a run: to the root process, and to each descendant by pid."""

    root_cpu_s: float
    descendants_cpu_s: dict[int, float]

    @property
    def workers_cpu_s(self) -> float:
        """All the CPU time of the root's descendants."""
        return sum(self.descendants_cpu_s.values())

    def busy_workers(self, at_least_s: float) -> int:
        """How many descendants were charged at least this much CPU."""
        return sum(1 for cpu in self.descendants_cpu_s.values() if cpu >= at_least_s)

    def split(self, lanes: int) -> tuple[float, float]:
        """The CPU of the busiest descendant, and that of the next busiest up to `lanes` in all:
        how the work was divided among the processes that could run at once."""
        busiest = sorted(self.descendants_cpu_s.values(), reverse=True)[:max(1, lanes)]
        return (busiest[0], sum(busiest[1:])) if busiest else (0.0, 0.0)


def written_bytes(pid: int) -> int | None:
    """How many bytes this process has passed to write() so far, to any file, pipe or socket,
    as the kernel counts them; None where it does not say (only Linux does). What it sent with
    send() (a TCP connection's usual call) is not counted: see system.loopback_bytes_sent."""
    try:
        counters = psutil.Process(pid).io_counters()
    except (psutil.Error, AttributeError, NotImplementedError):
        return None
    return getattr(counters, "write_chars", None)


class TreeCpuSampler:
    """Samples the CPU of root_pid and its descendants from start() to stop()."""

    def __init__(self, root_pid: int) -> None:
        self.root = psutil.Process(root_pid)
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._procs: list[psutil.Process] = []
        self._thread = threading.Thread(target=self._run, daemon=True, name="kernel-cpu")

    def _sample(self, rescan: bool = True) -> None:
        if rescan or not self._procs:
            self._procs = self._tree()
        for proc in self._procs:
            cpu = process_cpu_s(proc)
            if cpu is not None:
                self._first.setdefault(proc.pid, 0.0 if self._started else cpu)
                self._last[proc.pid] = cpu

    def _tree(self) -> list[psutil.Process]:
        """The root and its descendants. On Linux each process lists its own children, which
        is cheap enough to read at every sample, so that a short-lived worker is not missed;
        elsewhere psutil reads every process of the machine, which is done less often."""
        pids = system.descendant_pids(self.root.pid)
        if pids is None:
            try:
                return [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return [self.root]
        known = {proc.pid: proc for proc in self._procs}
        tree = [self.root]
        for pid in pids:
            proc = known.get(pid)
            if proc is None:
                try:
                    proc = psutil.Process(pid)
                except psutil.Error:
                    continue
            tree.append(proc)
        return tree

    def _run(self) -> None:
        count = 0
        while not self._stop.wait(SAMPLE_EVERY_S):
            count += 1
            self._sample(rescan=system.CHILDREN_LISTED or count % RESCAN_EVERY == 0)

    def start(self) -> "TreeCpuSampler":
        # What existed before the run is charged only for what it used during it; a process
        # first seen later was started by the run, and all its CPU counts.
        self._started = False
        self._sample()
        self._started = True
        self._thread.start()
        return self

    def stop(self) -> TreeCpu:
        self._stop.set()
        self._thread.join()
        self._sample()
        used = {pid: max(0.0, self._last[pid] - self._first[pid]) for pid in self._last}
        root = used.pop(self.root.pid, 0.0)
        return TreeCpu(root_cpu_s=root, descendants_cpu_s=used)
