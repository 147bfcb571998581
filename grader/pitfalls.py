"""Running student code the way other machines and impatient users would.

- under_every_start_method runs a call once under each start method this platform offers
  (fork, spawn, forkserver), whatever method the run was given, and restores it afterwards: code
  that works only under fork (a lambda sent to a process, state set up only in the parent) is
  seen to fail under the others, the defaults on macOS, Windows and Linux from Python 3.14.
- call_with_ctrl_c presses Ctrl-C (SIGINT to the main thread) once the call's work is under way,
  and reports whether KeyboardInterrupt reached the caller, and how soon.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from dataclasses import dataclass
from typing import Callable

from grader import system

READY_POLL_S = 0.01


@dataclass(frozen=True)
class MethodRun:
    """One start method's run of a call: the error it raised, or None."""

    method: str
    error: Exception | None
    seconds: float


def under_every_start_method(call: Callable[[], object]) -> list[MethodRun]:
    """Run call() under every start method the platform offers; the run's own is restored."""
    original = multiprocessing.get_start_method()
    runs = []
    try:
        for method in multiprocessing.get_all_start_methods():
            multiprocessing.set_start_method(method, force=True)
            started = time.monotonic()
            try:
                call()
            except Exception as error:  # noqa: BLE001 - student code may raise anything
                runs.append(MethodRun(method, error, round(time.monotonic() - started, 3)))
            else:
                runs.append(MethodRun(method, None, round(time.monotonic() - started, 3)))
    finally:
        multiprocessing.set_start_method(original, force=True)
    return runs


@dataclass(frozen=True)
class Interrupted:
    """What became of a call that Ctrl-C was pressed during."""

    # False when the call ended before its work was under way, so Ctrl-C was never pressed.
    pressed: bool
    # What the call raised (KeyboardInterrupt when Ctrl-C reached the caller), or None.
    raised: BaseException | None
    # From the press to the call's end, raising or returning.
    seconds_after_press: float | None


def call_with_ctrl_c(call: Callable[[], object], ready: Callable[[], bool],
                     wait_ready_s: float) -> Interrupted:
    """Call call(), and press Ctrl-C once ready() is true (within wait_ready_s) while it runs."""
    lock = threading.Lock()
    state = {"active": True, "pressed_at": None}

    def press() -> None:
        deadline = time.monotonic() + wait_ready_s
        while time.monotonic() < deadline:
            with lock:
                if not state["active"]:
                    return
                if ready():
                    state["pressed_at"] = time.monotonic()
                    system.interrupt_main_thread()
                    return
            time.sleep(READY_POLL_S)

    presser = threading.Thread(target=press, name="ctrl-c", daemon=True)
    raised, ended = None, None
    # What Ctrl-C does in any Python program, whatever handler this process inherited.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        try:
            presser.start()
            call()
        finally:
            with lock:
                state["active"] = False
            ended = time.monotonic()
    except (KeyboardInterrupt, Exception) as error:  # noqa: BLE001 - student code may raise anything
        # Not BaseException: the check's own timeout must still stop a call that never returns.
        raised, ended = error, ended or time.monotonic()
    finally:
        signal.signal(signal.SIGINT, previous)
    presser.join()
    pressed_at = state["pressed_at"]
    return Interrupted(pressed=pressed_at is not None, raised=raised,
                       seconds_after_press=None if pressed_at is None else round(ended - pressed_at, 3))
