"""What the student's process pickles for other processes, counted from inside it.

PickledBytes counts the bytes multiprocessing's pickler writes in this process: every Process
started under spawn or forkserver (its target and args), every item put on a Queue or sent down
a Pipe, every task and result a Pool or an executor sends. It is how a suite tells "the workers
got the segment's name" (a few hundred bytes) from "the workers got the data" (megabytes). Under
fork a Process's args are inherited, not pickled, so they are not counted there; what goes
through queues, pipes and pools still is.

Built in the student's process (`student.make(PickledBytes)`), started, and stopped once the
call has returned: stop() gives the count as plain data. The grader words what it means
(grader/measuring/transfer.py).
"""

from __future__ import annotations

import os
import threading
from multiprocessing import reduction


class _CountingFile:
    """A file that counts the bytes written through it."""

    def __init__(self, file, watch: PickledBytes) -> None:
        self._file, self._watch = file, watch

    def write(self, data) -> int | None:
        self._watch.add(memoryview(data).nbytes)
        return self._file.write(data)


class PickledBytes:
    """While started, counts what multiprocessing's pickler writes in this process.

    start() and stop(), or a `with` block, which starts it.
    """

    def __init__(self) -> None:
        self.total = 0
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._original_init = None
        self._counting_init = None

    def add(self, size: int) -> None:
        """Count size bytes (only in the process that started counting)."""
        if os.getpid() == self._pid:  # a forked child inherits the patch, not the count
            with self._lock:
                self.total += size

    def start(self) -> PickledBytes:
        """Count from now on."""
        if self._counting_init is not None:
            return self
        pickler = reduction.ForkingPickler
        self._original_init = original = pickler.__init__
        watch = self

        def __init__(self, file, *args, **kwargs):
            original(self, _CountingFile(file, watch), *args, **kwargs)

        self._counting_init = __init__
        pickler.__init__ = __init__
        return self

    def stop(self) -> int:
        """Stop counting (a second call changes nothing); the bytes counted."""
        # Put back only while ours is in place: whoever patched it after us keeps theirs.
        if reduction.ForkingPickler.__init__ is self._counting_init:
            reduction.ForkingPickler.__init__ = self._original_init
        return self.total

    def __enter__(self) -> PickledBytes:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def pickled_size(obj) -> int:
    """How many bytes multiprocessing's pickler makes of obj."""
    return len(reduction.ForkingPickler.dumps(obj))
