"""A student's Dask cluster, started once and kept for all of a suite's checks.

A LocalCluster takes about a second to start on 2 cores, more than most checks take. The
student's start_cluster() is called by the first check that needs the cluster, inside that
check, so that what it raises fails that check in the student's own words; it is called again
only in a student process started anew. Its start-up is timed by the grader's clock, apart from
any check's timing. A start that failed fails the checks after it the same way, without their
waiting for it again.
"""

from __future__ import annotations

import time
from typing import Callable


class KeptCluster:
    """The handle to the client of the student's cluster, and what its start cost."""

    def __init__(self) -> None:
        self.handle = None
        self.generation: int | None = None
        self.startup_s = 0.0
        self.failure: BaseException | None = None

    def client(self, start: Callable[[], object], generation: int):
        """The client, made by start() when student process `generation` has none yet."""
        if self.failure is not None:
            raise self.failure
        if self.handle is None or self.generation != generation:
            self.handle, self.generation = None, generation
            started = time.monotonic()
            try:
                self.handle = start()
            except Exception as error:
                self.failure = error
                raise
            self.startup_s = time.monotonic() - started
        return self.handle

    def kept_in(self, generation: int) -> bool:
        """Whether a cluster is open in student process `generation`."""
        return self.handle is not None and self.generation == generation

    def forget(self) -> None:
        """The cluster was closed: the next check starts another."""
        self.handle = self.generation = None
