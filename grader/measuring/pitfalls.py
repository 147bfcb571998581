"""Running student code the way other machines and impatient users would, from the grader.

- under_every_start_method makes a call once under each start method this platform offers
  (fork, spawn, forkserver), whatever method the run was given: code that works only under fork
  (a lambda sent to a process, state set up only in the parent) is seen to fail under the
  others, the defaults on macOS, Windows and Linux from Python 3.14. The call itself sets the
  method in the student's process (student_runtime/instruments/start_methods.py).
- call_with_ctrl_c presses Ctrl-C (SIGINT to the student's process) once the call's work is
  under way, and reports whether KeyboardInterrupt reached the caller, and how soon, by the
  grader's own clock.
- pools_left_running notes which of the student's processes a call left running, as the
  operating system lists them, and then has the pools the call created stopped.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from grader.call_errors import CallTimedOut, OutputFlood, StudentProcessDied, StudentRaised
from grader import system
from student_runtime.instruments import ctrl_c, pools

READY_POLL_S = 0.01
# How long workers may take to stop once the call has ended before they count as left running.
STOP_GRACE_S = 1.0
# What ends a check whatever the suite does: a hang, a crash, a flood of output. The student's
# processes are gone by then, so nothing more is asked of them.
STUDENT_STOPPED = (CallTimedOut, StudentProcessDied, OutputFlood)


@dataclass(frozen=True)
class MethodRun:
    """One start method's run of a call: the error it raised, or None."""

    method: str
    error: Exception | None
    seconds: float


def under_every_start_method(call: Callable[[str], object]) -> list[MethodRun]:
    """call(method) for every start method the platform offers, each timed by the grader.

    call makes its calls into the student's process under `method` (with
    start_methods.call_under). A hang or a crash of the student's process ends the check.
    """
    runs = []
    for method in multiprocessing.get_all_start_methods():
        started = time.monotonic()
        try:
            call(method)
        except STUDENT_STOPPED:
            raise
        except Exception as error:  # noqa: BLE001 - a failed check or the student's exception
            runs.append(MethodRun(method, error, round(time.monotonic() - started, 3)))
        else:
            runs.append(MethodRun(method, None, round(time.monotonic() - started, 3)))
    return runs


@dataclass(frozen=True)
class Interrupted:
    """What became of a call that Ctrl-C was pressed during."""

    # False when the call ended before its work was under way, so Ctrl-C was never pressed.
    pressed: bool
    # What the call raised (KeyboardInterrupt when Ctrl-C reached the caller), or None.
    raised: StudentRaised | None
    # From the press to the call's end, raising or returning.
    seconds_after_press: float | None


def call_with_ctrl_c(student, func, *args, ready: Callable[[], bool],
                     wait_ready_s: float) -> Interrupted:
    """func(*args) in the student's process; Ctrl-C is pressed once ready() is true (within
    wait_ready_s) while it runs.

    The press waits until the student's process has said that Ctrl-C would reach the call
    (ctrl_c.call_interruptible), and is never made once the call has ended.
    """
    folder = Path(tempfile.mkdtemp(prefix="ctrl-c-", dir=student.config.scratch / "tmp"))
    if student.config.run_as is not None:
        student.config.run_as.give(folder)
    # Windows cannot send SIGINT to another process: a thread there presses when told.
    by_signal = os.name != "nt"
    lock = threading.Lock()
    state = {"active": True, "pressed_at": None}
    student.start()
    pid = student.pid

    def press() -> None:
        deadline = time.monotonic() + wait_ready_s
        while time.monotonic() < deadline:
            with lock:
                if not state["active"]:
                    return
                if (folder / ctrl_c.ARMED).exists() and ready():
                    state["pressed_at"] = time.monotonic()
                    if by_signal:
                        os.kill(pid, signal.SIGINT)
                    else:
                        (folder / ctrl_c.PRESS).touch()
                    return
            time.sleep(READY_POLL_S)

    presser = threading.Thread(target=press, name="ctrl-c", daemon=True)
    raised = None
    try:
        presser.start()
        student.call(ctrl_c.call_interruptible, str(folder), func, *args)
    except StudentRaised as error:
        raised = error
    finally:
        with lock:
            state["active"] = False
        ended = time.monotonic()
        presser.join()
    # The student's process has ignored Ctrl-C since the call ended; now nothing presses.
    student.call(ctrl_c.default_handling)
    pressed_at = state["pressed_at"]
    after = None if pressed_at is None else round(ended - pressed_at, 3)
    return Interrupted(pressed=pressed_at is not None, raised=raised, seconds_after_press=after)


class PoolsLeft:
    """The pools the block's calls create, and the student's processes left running after it
    (`pids`, filled in when the block ends)."""

    def __init__(self, student) -> None:
        self.pools = student.make(pools.PoolsCreated)
        # PoolsCreated.call in the student's process: a function to hand to another instrument.
        self.call_handle = self.pools.call
        self.pids: tuple[int, ...] = ()

    def call(self, func, *args):
        """func(*args) in the student's process, noting the pools it creates."""
        return self.call_handle(func, *args)


@contextmanager
def pools_left_running(student):
    """Note what the block's calls left running, then stop the pools created in them.

    Calls made through the yielded PoolsLeft's call() (or with its call_handle as the function
    of another call) have their pools noted. A check that fails on what was left running says so
    itself.
    """
    found = PoolsLeft(student)
    try:
        yield found
    except STUDENT_STOPPED:
        raise
    except BaseException:
        _note_and_stop(student, found)
        raise
    _note_and_stop(student, found)


def _note_and_stop(student, found: PoolsLeft) -> None:
    left = system.student_leftovers(student.pid, student.config.run_as)
    left = system.wait_until_stopped(left, STOP_GRACE_S)
    found.pids = tuple(proc.pid for proc in left)
    found.pools.terminate_running()
