"""Running student code the way other machines and impatient users would.

- under_every_start_method runs a call once under each start method this platform offers
  (fork, spawn, forkserver), whatever method the run was given, and restores it afterwards: code
  that works only under fork (a lambda sent to a process, state set up only in the parent) is
  seen to fail under the others, the defaults on macOS, Windows and Linux from Python 3.14.
- call_with_ctrl_c presses Ctrl-C (SIGINT to the main thread) once the call's work is under way,
  and reports whether KeyboardInterrupt reached the caller, and how soon.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import pool as pool_module
from typing import Callable

from grader.running import system

READY_POLL_S = 0.01
# How long workers may take to stop once the call has ended before they count as left running.
STOP_GRACE_S = 1.0


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
    """Call call(), and press Ctrl-C once ready() is true (within wait_ready_s) while it runs.

    The exception's traceback is dropped afterwards, so that it keeps none of the call's
    objects alive.
    """
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
    except (KeyboardInterrupt, Exception) as error:  # noqa: BLE001 - student code raises anything
        # Not BaseException: the check's own timeout must still stop a call that never returns.
        raised, ended = error, ended or time.monotonic()
    finally:
        signal.signal(signal.SIGINT, previous)
    presser.join()
    error = raised
    while error is not None:
        error.__traceback__ = None
        error = error.__context__
    gc.collect()
    pressed_at = state["pressed_at"]
    after = None if pressed_at is None else round(ended - pressed_at, 3)
    return Interrupted(pressed=pressed_at is not None, raised=raised, seconds_after_press=after)


@dataclass
class PoolsLeft:
    """Worker processes still running once a call had ended (filled in when the block ends)."""

    pids: tuple[int, ...] = ()


@contextmanager
def pools_left_running():
    """Note what the block left running, then stop the pools created in it that still run.

    A pool whose tasks never finish is never collected, and when the grader kills its workers
    its handler thread starts new ones, so every later check would find them. So the pools
    created inside the block are terminated here, once the processes left running have been
    noted; a check that fails on them says so itself.
    """
    created: list[weakref.ref] = []
    original = pool_module.Pool.__init__

    def __init__(self, *args, **kwargs):
        created.append(weakref.ref(self))
        original(self, *args, **kwargs)

    pool_module.Pool.__init__ = __init__
    found = PoolsLeft()
    try:
        yield found
    finally:
        pool_module.Pool.__init__ = original
        left = system.live_descendants(exclude=system.multiprocessing_helpers())
        deadline = time.monotonic() + STOP_GRACE_S
        while left and time.monotonic() < deadline:
            time.sleep(READY_POLL_S)
            left = [proc for proc in left if system.is_running(proc.pid)]
        found.pids = tuple(proc.pid for proc in left)
        for ref in created:
            pool = ref()
            if pool is not None and any(worker.is_alive() for worker in pool._pool):
                pool.terminate()
