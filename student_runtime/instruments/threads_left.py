"""The threads a call started that still run when it returns, and where each one waits.

A thread that is not a daemon keeps the interpreter from exiting until it ends: one left blocked
for good (on a JoinableQueue.join() that a dead consumer will never let return, say) makes the
student's program hang at its very end, although every call returned. It is the student's
process speaking about itself: the grader uses it to fail a check, never to pass one.
"""

from __future__ import annotations

import os
import sys
import threading
import time


class ThreadsLeft:
    """Watches the threads of this process started from now on."""

    def __init__(self) -> None:
        self.before = {thread.ident for thread in threading.enumerate()}

    def left(self, wait_s: float = 0.5) -> list[dict]:
        """The non-daemon threads started since that still run after up to wait_s: for each,
        {"name": ..., "waiting_in": "file.py:line in function"} (its innermost frame)."""
        deadline = time.monotonic() + wait_s
        while True:
            running = [thread for thread in threading.enumerate()
                       if thread.ident not in self.before and not thread.daemon
                       and thread.is_alive()]
            if not running or time.monotonic() >= deadline:
                break
            time.sleep(0.02)
        frames = sys._current_frames()
        return [{"name": thread.name, "waiting_in": _where(frames.get(thread.ident))}
                for thread in running]


def _where(frame) -> str:
    if frame is None:
        return ""
    code = frame.f_code
    return f"{os.path.basename(code.co_filename)}:{frame.f_lineno} in {code.co_name}"


def executor_threads() -> list[str]:
    """The names of the ThreadPoolExecutor worker threads alive in this process now, whenever
    they were started (an executor kept between calls keeps its threads)."""
    return [thread.name for thread in threading.enumerate()
            if thread.name.startswith("ThreadPoolExecutor-") and thread.is_alive()]


def interpreters_alive() -> int:
    """How many interpreters this process holds now, its main one included (Python 3.14+)."""
    from concurrent import interpreters

    return len(interpreters.list_all())
