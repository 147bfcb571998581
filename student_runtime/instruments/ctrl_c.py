"""A call of the student's that Ctrl-C may interrupt, as in any Python program.

The grader presses Ctrl-C by sending SIGINT to the student's process (os.kill), where the
platform can; Python's default handler then raises KeyboardInterrupt in the main thread, which
runs the call. call_interruptible puts that handler in place for the call and then says so, by
creating the file `armed` in its folder: the grader presses only after that, and only until the
call has ended, when SIGINT is ignored again, so that a press that comes too early or too late
never ends the process while it waits for the grader's next call. default_handling puts the
default handler back once the grader has stopped pressing.

Where SIGINT cannot be sent to another process (Windows), the grader presses by creating the
file `press` in the folder instead: a thread here watches for it and interrupts the main thread
itself, which takes effect when that thread next runs Python code.
"""

from __future__ import annotations

import _thread
import os
import signal
import threading

ARMED = "armed"
PRESS = "press"
PRESS_POLL_S = 0.01


def call_interruptible(folder: str, func, *args):
    """func(*args) with Ctrl-C raising KeyboardInterrupt in it; SIGINT is ignored once it ends."""
    ended = threading.Event()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Thread(target=_press_when_told, args=(os.path.join(folder, PRESS), ended),
                         daemon=True, name="ctrl-c").start()
        with open(os.path.join(folder, ARMED), "w", encoding="ascii"):
            pass
        return func(*args)
    finally:
        ended.set()
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_handling() -> None:
    """Ctrl-C raises KeyboardInterrupt again, as Python's default handler does."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _press_when_told(press_file: str, ended: threading.Event) -> None:
    while not ended.wait(PRESS_POLL_S):
        if os.path.exists(press_file):
            _thread.interrupt_main()
            return
