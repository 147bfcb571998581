"""Pressing Ctrl-C during a call of the student's, as an impatient user would.

call_with_ctrl_c presses Ctrl-C (SIGINT to the student's process) once the call's work is under
way, and reports whether KeyboardInterrupt reached the caller, and how soon, by the grader's own
clock.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from grader.call_errors import StudentRaised
from student_runtime.instruments import ctrl_c

READY_POLL_S = 0.01


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
    folder = Path(tempfile.mkdtemp(prefix="ctrl-c-", dir=student.temp_dir))
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
