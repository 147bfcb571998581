"""The tracker handed to run_tracked: counters whose values the grader keeps.

A Pool runs `callback` and `error_callback` on a thread of the caller's process, its result
thread, while the caller's main thread goes on submitting. State both threads change, such as a
count of tasks in flight, needs a lock: `tracker.in_flight += 1` is a read, an add and a write,
and the other thread can write in between. The window is a few bytecodes wide, so plain tests
miss it.

Here each read and write of a counter, and each take and release of `tracker.lock`, goes to the
grader (the served store of student_runtime.instruments.served), which pauses a read made
without holding the lock, so the two threads interleave there on every run, and which counts a
write computed from a value that the other thread has changed since as a lost update. results
and errors are plain dicts of this process.
"""

from __future__ import annotations

from student_runtime.instruments.served import _call
from student_runtime.instruments.served_manager import ServedManagerLock


class _Counter:
    """A tracker attribute whose value the grader keeps."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, tracker, owner=None):
        if tracker is None:
            return self
        return _call(tracker._address, "get", index=self.name)

    def __set__(self, tracker, value) -> None:
        _call(tracker._address, "set", index=self.name, value=value)


class ServedTracker:
    """Progress of a batch of tasks, kept by the caller's main thread and by callbacks.

    in_flight: tasks handed to the pool whose callback has not run yet; done: tasks that
    returned; failed: tasks that raised; results and errors: item -> result, item -> exception;
    lock: a threading.Lock to hold around every read-modify-write of the counters.
    """

    COUNTERS = ("in_flight", "done", "failed")
    in_flight = _Counter()
    done = _Counter()
    failed = _Counter()

    def __init__(self, address: str) -> None:
        self._address = address
        self.lock = ServedManagerLock(address)
        self.results: dict = {}
        self.errors: dict = {}

    def __reduce__(self):
        raise TypeError("the tracker cannot be pickled: it lives in the caller's process, where "
                        "callbacks run; update it there, not in a worker")

    def __repr__(self) -> str:
        counters = dict(_call(self._address, "items"))
        return f"<tracker {counters}>"
