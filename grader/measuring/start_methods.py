"""Running a call of the student's under every start method, whatever method the run was given.

under_every_start_method makes a call once under each start method this platform offers (fork,
spawn, forkserver): code that works only under fork (a lambda sent to a process, state set up
only in the parent) is seen to fail under the others, the defaults on macOS, Windows and Linux
from Python 3.14. The call itself sets the method in the student's process
(student_runtime/instruments/start_methods.py).
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from typing import Callable

from grader.call_errors import STUDENT_STOPPED


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
