"""A call made under a start method of the grader's choosing, in the student's process.

The student's process starts with the run's start method. To see whether code works on every
machine, the grader has each call made under fork, spawn and forkserver in turn: call_under sets
the method for this process, for that one call, and puts the run's own back afterwards.
"""

from __future__ import annotations

import multiprocessing


def call_under(method: str, func, *args, **kwargs):
    """func(*args, **kwargs) with `method` as this process's start method; the previous one is
    restored after it, whatever it returned or raised."""
    multiprocessing.get_context(method)  # an unknown method fails here, before anything changes
    previous = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method(method, force=True)
    try:
        return func(*args, **kwargs)
    finally:
        multiprocessing.set_start_method(previous, force=True)
