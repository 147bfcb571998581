"""The grader's side of the pipes checks: how long the far end of a pipe waits, and what the
instruments in the student's process found (student_runtime/instruments/pipe_peers.py).

- drive runs drive_worker there, which plays the parent for the student's worker function,
  and gives back a WorkerRun.
- watch_call runs a call of the student's under a WorkerWatch there, and gives back what it
  returned (or raised) and a WatchReport: how each process the call started ended.

What the instruments report comes from the student's process: the suites check the answers
against their own and use the rest to say what went wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.call_errors import StudentRaised
from student_runtime.instruments import pipe_peers

# The first answer waits for the worker to start, which is slowest under spawn on a busy machine.
ANSWER_WAIT_S = 3.0
# A worker sees EOF within milliseconds of the last copy of the other end being closed.
END_WAIT_S = 1.5


@dataclass(frozen=True)
class WorkerRun:
    """What happened when the student's process played the parent for a worker function."""

    answers: list
    # What run_and_report wrote: {"returned": ...} or {"raised": ..., "type": ..., "line": ...}.
    report: dict | None
    # Whether the worker ended within END_WAIT_S of the parent closing its end of the pipe.
    ended_by_itself: bool
    exitcode: int | None
    seconds_to_end: float | None

    @property
    def raised(self) -> str | None:
        return (self.report or {}).get("raised")

    @property
    def raised_type(self) -> str | None:
        return (self.report or {}).get("type")

    @property
    def returned(self):
        return (self.report or {}).get("returned")


def drive(student, worker, handler, requests: list, report_path: Path) -> WorkerRun:
    """worker(child_end, parent_end, handler) driven with requests from the student's process."""
    found = student.call(pipe_peers.drive_worker, worker, handler, requests, str(report_path),
                         ANSWER_WAIT_S, END_WAIT_S)
    return WorkerRun(**found)


@dataclass(frozen=True)
class Fate:
    """How one process started during a watched call ended."""

    pid: int
    how: str  # "by_itself", "failed", "stopped", "hung", "unjoined" or "left_running"
    exitcode: int | None


@dataclass(frozen=True)
class WatchReport:
    """What became of the processes one watched call started."""

    # Pids of the processes the watch stopped because they ran past its limit.
    hung: frozenset
    fates: tuple
    # The call's length as the student's process timed it (for messages; checks time it here).
    seconds: float

    def of_kind(self, how: str) -> list[Fate]:
        return [fate for fate in self.fates if fate.how == how]


@dataclass(frozen=True)
class Watched:
    """A watched call: what it returned, or what it raised, and its WatchReport."""

    returned: object
    raised: StudentRaised | None
    report: WatchReport


def new_watch(student, limit_s: float):
    """A WorkerWatch in the student's process, stopping workers that run past limit_s."""
    return student.make(pipe_peers.WorkerWatch, limit_s)


def watch_call(watch, func, *args) -> Watched:
    """func(*args) in the student's process under watch (from new_watch); what became of it.

    A student's exception is kept, not raised, so that the report can explain it; a hang or a
    crash of the student's process passes through.
    """
    try:
        returned, raised = watch.call(func, *args), None
    except StudentRaised as error:
        returned, raised = None, error
    found = watch.report()
    report = WatchReport(frozenset(found["hung"]),
                         tuple(Fate(f["pid"], f["how"], f["exitcode"]) for f in found["fates"]),
                         found["seconds"])
    return Watched(returned, raised, report)
