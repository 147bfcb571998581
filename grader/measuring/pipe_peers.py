"""The grader at the other end of a student's pipe, and a watch on the workers a call starts.

- drive_worker plays the parent for a student's worker function: it starts the worker in a
  child over a duplex Pipe, sends requests one at a time and reads each answer, closes its own
  end, and sees whether the worker then ends by itself. It never waits without a limit, so a
  worker that hangs becomes a finding, not a hung check.
- WorkerWatch keeps hold of every Process a call starts, stops any that runs past a time
  limit (so that a worker waiting forever for EOF lets the caller's join() return), and then
  tells, per process, how it ended: by itself, stopped by the student's code, stopped by the
  grader, never joined, or left running.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from grader.running import system
from student_runtime.workloads.pipes import read_report, run_and_report

# The first answer waits for the worker to start, which is slowest under spawn on a busy machine.
ANSWER_WAIT_S = 3.0
# A worker sees EOF within milliseconds of the last copy of the other end being closed.
END_WAIT_S = 1.5
UNJOINED_WAIT_S = 1.0
POLL_S = 0.05


@dataclass(frozen=True)
class WorkerRun:
    """What happened when the grader played the parent for a worker function."""

    answers: list
    # What run_and_report wrote: {"returned": ...} or {"raised": ..., "type": ..., "line": ...}.
    report: dict | None
    # Whether the worker ended within END_WAIT_S of the grader closing its end of the pipe.
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


def drive_worker(worker, handler, requests: list, report_path: Path,
                 answer_wait_s: float = ANSWER_WAIT_S, end_wait_s: float = END_WAIT_S) -> WorkerRun:
    """Run worker(child_end, parent_end, handler) in a child and be its parent.

    Both ends go to the child, as under fork it would inherit them anyway; the grader closes its
    copy of the child's end at once, sends each request and waits up to answer_wait_s for its
    answer, then closes its own end. A worker that stops answering (or dies) ends the requests.
    """
    parent_end, child_end = multiprocessing.Pipe()
    args = (str(report_path), worker, child_end, parent_end, handler)
    process = multiprocessing.Process(target=run_and_report, args=args)
    process.start()
    child_end.close()
    answers = []
    try:
        for request in requests:
            parent_end.send(request)
            if not parent_end.poll(answer_wait_s):
                break
            answers.append(parent_end.recv())
    except (EOFError, OSError):
        pass  # the worker died; its report says why
    finally:
        parent_end.close()
    closed_at = time.monotonic()
    process.join(end_wait_s)
    ended = process.exitcode is not None
    seconds = round(time.monotonic() - closed_at, 3) if ended else None
    if not ended:
        process.kill()
        process.join()
    return WorkerRun(answers, read_report(report_path), ended, process.exitcode, seconds)


@dataclass(frozen=True)
class Fate:
    """How one process started during a WorkerWatch ended."""

    pid: int
    how: str  # "by_itself", "failed", "stopped", "hung", "unjoined" or "left_running"
    exitcode: int | None


@dataclass
class WorkerWatch:
    """While active, keeps every Process started in this process; stops those running too long.

    A process still running `limit_s` after it started is killed by the grader and marked as
    hung, so that a caller waiting in join() for it gets on. On leaving, processes nobody
    joined are collected (and killed if still running) so that nothing is left behind.
    """

    limit_s: float
    started: list = field(default_factory=list)
    hung: set = field(default_factory=set)
    fates: list = field(default_factory=list)
    seconds: float = 0.0

    def __enter__(self) -> WorkerWatch:
        cls = multiprocessing.process.BaseProcess
        self._original_start = original = cls.start
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._started_at: dict[int, float] = {}
        watch = self

        def start(process):
            result = original(process)
            with watch._lock:
                watch.started.append(process)
                watch._started_at[id(process)] = time.monotonic()
            return result

        cls.start = start
        self._began = time.monotonic()
        self._timer = threading.Thread(target=self._stop_hung, name="worker-watch", daemon=True)
        self._timer.start()
        return self

    def _stop_hung(self) -> None:
        """Kill each process still running limit_s after it started, until the block ends."""
        while not self._done.wait(POLL_S):
            now = time.monotonic()
            with self._lock:
                overdue = [p for p in self.started if p.pid not in self.hung
                           and now - self._started_at[id(p)] > self.limit_s
                           and _not_collected(p) and system.is_running(p.pid)]
                self.hung.update(p.pid for p in overdue)
            procs = []
            for process in overdue:
                try:
                    procs.append(psutil.Process(process.pid))
                except psutil.NoSuchProcess:
                    pass
            system.kill_processes(procs)

    def __exit__(self, *exc_info) -> None:
        self.seconds = round(time.monotonic() - self._began, 3)
        self._done.set()
        self._timer.join()
        multiprocessing.process.BaseProcess.start = self._original_start
        self.fates = [self._fate(process) for process in self.started if process.pid is not None]

    def _fate(self, process) -> Fate:
        if process.pid in self.hung:
            process.join(UNJOINED_WAIT_S)
            return Fate(process.pid, "hung", process.exitcode)
        if _not_collected(process):
            deadline = time.monotonic() + UNJOINED_WAIT_S
            while system.is_running(process.pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            how = "left_running" if system.is_running(process.pid) else "unjoined"
            if how == "left_running":
                process.kill()
            process.join(UNJOINED_WAIT_S)
            return Fate(process.pid, how, process.exitcode)
        code = process.exitcode
        how = "by_itself" if code == 0 else "stopped" if code < 0 else "failed"
        return Fate(process.pid, how, code)

    def of_kind(self, how: str) -> list[Fate]:
        return [fate for fate in self.fates if fate.how == how]


def _not_collected(process) -> bool:
    """Whether nobody has yet learnt how the process ended (join() or is_alive() would have)."""
    return process._popen is not None and process._popen.returncode is None
