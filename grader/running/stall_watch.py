"""Whether the student's processes have all stopped doing anything: a hang called on evidence.

A call that waits out its check's whole limit costs a student in `grade watch` that limit for
each hung check. Most hangs are waits that nothing will end (a join() on a worker that died, a
get() on a queue nobody fills): then no process of the student's runs. The kernel tells the
grader which processes exist, how much CPU each has used and whether one is running, and none
of that can be written by the student's code. A task of the grader's that pauses on purpose
says so at the grader's desk every half second (`notes.pause`).

A call has stalled when, for STALL_S, no process of the student's was running, none started or
ended, together they used less than IDLE_CPU_S of CPU, and the desk heard nothing from them;
or when, for SPIN_S, the same held for every process but the caller, which kept the CPU busy
while the workers it started in this call sat idle (a loop polling for results that will never
come); or when, for BUSY_SILENT_S, the workers it started kept running (BUSY_CPU_SHARE of a
CPU at least), none started or ended, and the desk heard nothing: every task of the grader's
speaks when it begins and ends, and none runs that long, so a worker is looping outside them.
A caller busy on its own, with threads or without, is never called early. Faking activity only
makes the wait last to the check's limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import psutil

from grader import system
from grader.call_errors import ALL_IDLE, CALLER_SPINNING, WORKERS_SILENT

# Longer than any pause of a correct solution that nothing of the grader's announces: the
# longest wait the checks ask for is 1.5 s (a timeout the student applies to a stuck task).
STALL_S = 3.0
# A caller that spins while the workers it started sit idle is given longer: it may be doing
# the last of its own work.
SPIN_S = 5.0
# Workers at work are given longer still: the grader's longest task needs about a second of
# CPU, which a machine busy with other programs may stretch several times over.
BUSY_SILENT_S = 6.0
# A process blocked in a wait uses no CPU; a few clock ticks over the whole stretch is noise.
IDLE_CPU_S = 0.05
# Workers that loop keep CPUs busy; idle ones that tick (a Dask worker's heartbeats) use a few
# hundredths of one. The share of a CPU that workers must have used, on average, to count as
# running for BUSY_SILENT_S.
BUSY_CPU_SHARE = 0.2
STATES_AT_WORK = frozenset({psutil.STATUS_RUNNING, psutil.STATUS_DISK_SLEEP,
                            getattr(psutil, "STATUS_WAKING", "waking")})


@dataclass(frozen=True)
class TreeState:
    """The student's processes at one moment: who they are (pid, and start in seconds since the
    system booted), the CPU used by the root and by the others, and whether each side was at
    work (running, or in a disk read)."""

    processes: frozenset[tuple[int, float]]
    root_cpu_s: float
    others_cpu_s: float
    root_at_work: bool
    others_at_work: bool


@dataclass(frozen=True)
class Stall:
    """How long nothing came of the student's processes, and what they did meanwhile (ALL_IDLE,
    CALLER_SPINNING or WORKERS_SILENT)."""

    seconds: float
    kind: str


def tree_state(root_pid: int) -> TreeState | None:
    """The state of root_pid and its descendants (None where the system cannot list them)."""
    pids = system.descendant_pids(root_pid)
    if pids is None:
        return None
    processes, cpu_s, at_work = set(), {True: 0.0, False: 0.0}, {True: False, False: False}
    for pid in (root_pid, *pids):
        try:
            proc = psutil.Process(pid)
            with proc.oneshot():
                status = proc.status()
                times = proc.cpu_times()
                processes.add((pid, proc.create_time() - psutil.boot_time()))
        except psutil.Error:
            continue
        if status == psutil.STATUS_ZOMBIE:
            continue
        is_root = pid == root_pid
        cpu_s[is_root] += times.user + times.system
        at_work[is_root] = at_work[is_root] or status in STATES_AT_WORK
    return TreeState(frozenset(processes), cpu_s[True], cpu_s[False], at_work[True],
                     at_work[False])


class StallWatch:
    """Tells, when asked during a call, how long the student's processes have done nothing.

    Three kinds of stall end a call early: nothing of the student's ran for STALL_S; the
    processes the call started all sat idle for SPIN_S while only the caller used the CPU (a
    loop that polls for results that will never come, or a library's thread that spins); or
    they ran for BUSY_SILENT_S without a word to the desk (a worker that loops forever).
    """

    def __init__(self, root_pid: int, last_heard: Callable[[], float],
                 call_started: float | None) -> None:
        """call_started: when the call began, in seconds since the system booted (the clock of
        processes' start times), or None where that clock is not offered."""
        self.root_pid = root_pid
        self._last_heard = last_heard
        self._call_started = call_started
        state, now = tree_state(root_pid), time.monotonic()
        # Since when nothing at all happened, and since when nothing but the caller did; each
        # with the state of the processes at that moment.
        self._all_quiet = self._others_quiet = self._workers_silent = (now, state)

    def stalled(self) -> Stall | None:
        """The stall, once the quiet has lasted long enough to be one; None until then."""
        now = time.monotonic()
        state = tree_state(self.root_pid)
        silent_for = self._silent_workers_for(now, state)
        if silent_for >= BUSY_SILENT_S:
            return Stall(silent_for, WORKERS_SILENT)
        others_since, others_then = self._others_quiet
        if (state is None or others_then is None or state.processes != others_then.processes
                or state.others_at_work
                or state.others_cpu_s - others_then.others_cpu_s >= IDLE_CPU_S
                or self._last_heard() >= others_since):
            self._all_quiet = self._others_quiet = (now, state)
            return None
        all_since, all_then = self._all_quiet
        if state.root_at_work or state.root_cpu_s - all_then.root_cpu_s >= IDLE_CPU_S:
            self._all_quiet = (now, state)
        elif now - all_since >= STALL_S:
            return Stall(now - all_since, ALL_IDLE)
        if now - others_since >= SPIN_S and self._started_workers(state):
            return Stall(now - others_since, CALLER_SPINNING)
        return None

    def _silent_workers_for(self, now: float, state: TreeState | None) -> float:
        """How long the workers this call started have run, the same processes throughout,
        without a word to the desk (0 while they are idle or barely tick: the other kinds cover
        that)."""
        since, then = self._workers_silent
        if (state is None or then is None or state.processes != then.processes
                or self._last_heard() >= since or not self._started_workers(state)):
            self._workers_silent = (now, state)
            return 0.0
        used = state.others_cpu_s - then.others_cpu_s
        ran = used >= max(IDLE_CPU_S, BUSY_CPU_SHARE * (now - since))
        return now - since if ran else 0.0

    def _started_workers(self, state: TreeState) -> bool:
        if self._call_started is None:
            return False
        # Start times are counted in clock ticks: a hundredth of a second.
        return any(pid != self.root_pid and started >= self._call_started - 0.01
                   for pid, started in state.processes)


def seconds_since_boot() -> float | None:
    """The clock of processes' start times (Linux), or None where it is not offered."""
    clock = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(clock) if clock is not None else None
