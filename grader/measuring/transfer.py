"""What the grading process sends to other processes, and what it does with shared memory.

Two watches a suite wraps around a call into the student's code:

- PickledBytes counts the bytes multiprocessing pickles in this process: every Process started
  under spawn or forkserver (its target and args), every item put on a Queue or sent down a Pipe,
  every task and result a Pool or an executor sends. It is how a suite tells "the workers got
  the segment's name" (a few hundred bytes) from "the workers got the data" (megabytes). Under
  fork a Process's args are inherited, not pickled, so they are not counted there; what goes
  through queues, pipes and pools still is.
- SegmentWatch notes every SharedMemory this process creates or attaches to, and whether it was
  closed (by the code itself, not by the garbage collector) and unlinked. It works where
  /dev/shm cannot be listed (macOS, Windows), but sees only this process: a worker's handles
  are its own.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from multiprocessing import reduction, shared_memory


class _CountingFile:
    """A file that counts the bytes written through it."""

    def __init__(self, file, watch: PickledBytes) -> None:
        self._file, self._watch = file, watch

    def write(self, data) -> int | None:
        self._watch.add(memoryview(data).nbytes)
        return self._file.write(data)


class PickledBytes:
    """While active, counts what multiprocessing's pickler writes in this process."""

    def __init__(self) -> None:
        self.total = 0
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._original_init = None

    def add(self, size: int) -> None:
        if os.getpid() == self._pid:  # a forked child inherits the patch, not the count
            with self._lock:
                self.total += size

    def __enter__(self) -> PickledBytes:
        pickler = reduction.ForkingPickler
        self._original_init = original = pickler.__init__
        watch = self

        def __init__(self, file, *args, **kwargs):
            original(self, _CountingFile(file, watch), *args, **kwargs)

        pickler.__init__ = __init__
        return self

    def __exit__(self, *exc_info) -> None:
        reduction.ForkingPickler.__init__ = self._original_init


def pickled_size(obj) -> int:
    """How many bytes multiprocessing's pickler makes of obj."""
    return len(reduction.ForkingPickler.dumps(obj))


@dataclass
class Handle:
    """One SharedMemory object of this process."""

    name: str
    size: int
    created: bool
    closed: bool = False


@dataclass
class SegmentWatch:
    """While active, notes the SharedMemory handles this process opens, closes and unlinks."""

    handles: list[Handle] = field(default_factory=list)
    unlinked: set[str] = field(default_factory=set)

    def __enter__(self) -> SegmentWatch:
        cls = shared_memory.SharedMemory
        self._originals = (cls.__init__, cls.close, cls.unlink)
        original_init, original_close, original_unlink = self._originals
        pid, watch = os.getpid(), self

        def __init__(self, name=None, create=False, size=0, *args, **kwargs):
            original_init(self, name, create, size, *args, **kwargs)
            if os.getpid() == pid:
                self._grader_handle = Handle(self.name, self.size, bool(create))
                watch.handles.append(self._grader_handle)

        def close(self):
            original_close(self)
            handle = getattr(self, "_grader_handle", None)
            # SharedMemory.__del__ closes a handle nobody closed, but only when the object is
            # collected, and it gives up silently while an array still views the memory:
            # only a close() the code itself made counts.
            if handle is not None and sys._getframe(1).f_code.co_name != "__del__":
                handle.closed = True

        def unlink(self):
            original_unlink(self)
            if os.getpid() == pid:
                watch.unlinked.add(self.name)

        cls.__init__, cls.close, cls.unlink = __init__, close, unlink
        return self

    def __exit__(self, *exc_info) -> None:
        cls = shared_memory.SharedMemory
        cls.__init__, cls.close, cls.unlink = self._originals

    def created(self) -> list[Handle]:
        return [h for h in self.handles if h.created]

    def not_unlinked(self) -> list[Handle]:
        """Segments this process created and never unlinked: they outlive every process."""
        return [h for h in self.created() if h.name not in self.unlinked]

    def not_closed(self) -> list[Handle]:
        """Handles of this process still open: their memory stays mapped until it exits."""
        return [h for h in self.handles if not h.closed]

    def clean_up(self) -> None:
        """Unlink what was left; the leftover guard would otherwise report it a second time."""
        for handle in self.not_unlinked():
            try:
                segment = shared_memory.SharedMemory(name=handle.name)
            except FileNotFoundError:
                continue
            segment.close()
            segment.unlink()
