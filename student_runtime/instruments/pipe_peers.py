"""The other end of a student's pipe, and a watch on the workers a call starts, run in the
student's process (the grader words what they found: grader/measuring/pipe_peers.py).

- drive_worker plays the parent for a student's worker function: it starts the worker in a
  child over a duplex Pipe, sends requests one at a time and reads each answer, closes its own
  end, and sees whether the worker then ends by itself. It never waits without a limit, so a
  worker that hangs becomes a finding, not a hung check.
- WorkerWatch keeps hold of every Process started while it watches a call, stops any that runs
  past a time limit (so that a worker waiting forever for EOF lets the caller's join() return),
  and then tells, per process, how it ended: by itself, stopped by the student's code, stopped
  by the watch, never joined, or left running.

Both answer in plain data, so that what they found crosses to the grader as it is.
"""

from __future__ import annotations

import multiprocessing
import threading
import time

import psutil

from student_runtime.instruments.started import ProcessWatch
from student_runtime.workloads.pipes import read_report, run_and_report

UNJOINED_WAIT_S = 1.0
POLL_S = 0.05


def drive_worker(worker, handler, requests: list, report_path: str, answer_wait_s: float,
                 end_wait_s: float) -> dict:
    """Run worker(child_end, parent_end, handler) in a child and be its parent.

    Both ends go to the child, as under fork it would inherit them anyway; this process closes
    its copy of the child's end at once, sends each request and waits up to answer_wait_s for
    its answer, then closes its own end. A worker that stops answering (or dies) ends the
    requests.

    Returns {"answers", "report" (what run_and_report wrote, or None), "ended_by_itself" (within
    end_wait_s of the close), "exitcode", "seconds_to_end"}.
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
    return {"answers": answers, "report": read_report(report_path), "ended_by_itself": ended,
            "exitcode": process.exitcode, "seconds_to_end": seconds}


class WorkerWatch:
    """Watches one call at a time: keeps every Process it starts; stops those running too long.

    A process still running `limit_s` after it started is killed and marked as hung, so that a
    caller waiting in join() for it gets on. Once the call has ended, processes nobody joined
    are collected (and killed if still running) so that nothing is left behind.
    """

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self._watch = None
        self.hung: set[int] = set()
        self.fates: list[dict] = []
        self.seconds = 0.0

    def call(self, func, *args):
        """func(*args), watched; what it returns or raises passes through."""
        self._enter()
        try:
            return func(*args)
        finally:
            self._exit()

    def report(self) -> dict:
        """What the last call's processes became: {"hung", "seconds", "fates"}, plain data.

        Each fate is {"pid", "how", "exitcode"}, where how is "by_itself", "failed", "stopped",
        "hung", "unjoined" or "left_running".
        """
        return {"hung": sorted(self.hung), "seconds": self.seconds, "fates": list(self.fates)}

    def _enter(self) -> None:
        self.hung, self.fates = set(), []
        self._watch = ProcessWatch()
        self._done = threading.Event()
        self._began = time.monotonic()
        self._timer = threading.Thread(target=self._stop_hung, name="worker-watch", daemon=True)
        self._timer.start()

    def _stop_hung(self) -> None:
        """Kill each process still running limit_s after it started, until the call ends."""
        while not self._done.wait(POLL_S):
            now = time.monotonic()
            overdue = [entry.process for entry in list(self._watch.started)
                       if entry.process.pid not in self.hung and now - entry.at > self.limit_s
                       and _not_collected(entry.process) and _is_running(entry.process.pid)]
            self.hung.update(p.pid for p in overdue)
            for process in overdue:
                _kill(process.pid)

    def _exit(self) -> None:
        self.seconds = round(time.monotonic() - self._began, 3)
        self._done.set()
        self._timer.join()
        self._watch.close()
        self.fates = [self._fate(process) for process in self._watch.processes()
                      if process.pid is not None]
        self._watch = None  # the Process objects are not kept past the call

    def _fate(self, process) -> dict:
        if process.pid in self.hung:
            process.join(UNJOINED_WAIT_S)
            how = "hung"
        elif _not_collected(process):
            deadline = time.monotonic() + UNJOINED_WAIT_S
            while _is_running(process.pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            how = "left_running" if _is_running(process.pid) else "unjoined"
            if how == "left_running":
                process.kill()
            process.join(UNJOINED_WAIT_S)
        else:
            code = process.exitcode
            how = "by_itself" if code == 0 else "stopped" if code < 0 else "failed"
        return {"pid": process.pid, "how": how, "exitcode": process.exitcode}


def _not_collected(process) -> bool:
    """Whether nobody has yet learnt how the process ended (join() or is_alive() would have)."""
    return process._popen is not None and process._popen.returncode is None


def _is_running(pid: int) -> bool:
    """Whether the process runs, without collecting its exit (a zombie has finished)."""
    try:
        proc = psutil.Process(pid)
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _kill(pid: int) -> None:
    try:
        psutil.Process(pid).kill()
    except psutil.Error:
        pass
