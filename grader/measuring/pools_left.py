"""The processes a call left running, as the operating system lists them, and the pools it
created, stopped afterwards.
"""

from __future__ import annotations

from contextlib import contextmanager

from grader import system, waits
from grader.call_errors import STUDENT_STOPPED
from student_runtime.instruments import pools



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
    left = system.wait_until_stopped(left, waits.STOPPING_S)
    found.pids = tuple(proc.pid for proc in left)
    found.pools.terminate_running()
