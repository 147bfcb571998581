"""Killing one of the student's worker processes in the middle of a task, as a failing machine
would.

While the student's call runs, a thread of the grader's watches the kernel's accounting of the
student's process's children: the first whose CPU time grows by BUSY_CPU_S during the call is
computing a task, and it is killed there (SIGKILL, or TerminateProcess on Windows). Nothing here
asks the student's processes anything.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import psutil

from grader import system
from grader.measuring.kernel_cpu import process_cpu_s

# CPU that a worker must have spent since the call began to count as computing a task: far more
# than an idle worker's heartbeats, far less than one task of the check's.
BUSY_CPU_S = 0.05
POLL_S = 0.01


@dataclass
class Kill:
    """Which worker process was killed (None while none was)."""

    pid: int | None = None


@contextmanager
def worker_killed_mid_task(student_pid: int, wait_s: float):
    """Kill the first child of the student's process seen computing within wait_s of entering.

    Yields a Kill, filled in once the kill is made. Helpers of the student's process (its
    forkserver and resource tracker) are never chosen.
    """
    kill, stop = Kill(), threading.Event()
    parent = psutil.Process(student_pid)
    first_cpu: dict[int, float] = {}
    helper: dict[int, bool] = {}

    def watch() -> None:
        deadline = time.monotonic() + wait_s
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                children = parent.children(recursive=False)
            except psutil.Error:
                return
            for child in children:
                if child.pid not in helper:
                    helper[child.pid] = system.is_helper_of(child, student_pid)
                if helper[child.pid] or (cpu := process_cpu_s(child)) is None:
                    continue
                if cpu - first_cpu.setdefault(child.pid, cpu) >= BUSY_CPU_S:
                    try:
                        child.kill()
                    except psutil.Error:
                        continue
                    kill.pid = child.pid
                    return
            stop.wait(POLL_S)

    watcher = threading.Thread(target=watch, name="worker-kill", daemon=True)
    watcher.start()
    try:
        yield kill
    finally:
        stop.set()
        watcher.join()
