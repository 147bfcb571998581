"""The Pools a call creates, kept in the student's process so that they can be stopped after it.

A pool whose tasks never finish is never collected, and when the grader kills its workers its
handler thread starts new ones, so every later check would find them. PoolsCreated notes each
Pool created while it watches a call; terminate_running() then stops those that still have
workers. Which processes were left running the grader sees for itself (psutil), before this.
"""

from __future__ import annotations

import weakref

from student_runtime.instruments.started import ProcessWatch


class PoolsCreated:
    """Notes the Pools created during call(); terminate_running() stops those still running."""

    def __init__(self) -> None:
        self._created: list[weakref.ref] = []

    def call(self, func, *args):
        """func(*args), noting every Pool it creates; what it returns or raises passes through."""
        watch = ProcessWatch()
        try:
            return func(*args)
        finally:
            watch.close()
            self._created += watch.pools

    def terminate_running(self) -> int:
        """Terminate the noted pools that still have a live worker; how many were."""
        stopped = 0
        for ref in self._created:
            pool = ref()
            if pool is not None and any(worker.is_alive() for worker in pool._pool):
                pool.terminate()
                stopped += 1
        return stopped
