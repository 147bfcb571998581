"""What the student's process sent to other processes, and what it did with shared memory, as
the grader reads it.

Bytes sent: where the kernel counts what a process writes (Linux), the grader reads that count
for the student's process, less the answers it wrote to the grader and what it printed. Elsewhere
the pickler of the student's process counts (student_runtime.instruments.pickles), and that
count is the process speaking about itself.

Segments: a SegmentWatch in the student's process (student_runtime.instruments.segments)
reports plain data; here that report is read without trusting its shape, and set beside what
the grader can see for itself: whether a segment of that name still exists, and what a process
attaching to it finds there. What the student's process says can fail a check; whether a
segment outlived the call, and what it holds, the grader sees itself.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import shared_memory

from grader.measuring.kernel_cpu import written_bytes
from grader.measuring.pitfalls import STUDENT_STOPPED
from student_runtime.instruments.pickles import PickledBytes


@contextmanager
def bytes_sent(student):
    """Count what the student's process sends to other processes during the block.

    Yields a dict whose "total" (bytes) and "source" ("kernel" or "pickler") are set when the
    block ends.
    """
    written_before = written_bytes(student.pid)
    if written_before is None:
        with _pickled(student) as sent:
            yield sent
        return
    answers_before, printed_before = student.answer_bytes, sum(student.output_sizes())
    sent = {"total": 0, "source": "kernel"}
    yield sent
    answers = student.answer_bytes - answers_before
    printed = sum(student.output_sizes()) - printed_before
    written = (written_bytes(student.pid) or written_before) - written_before
    sent["total"] = max(0, written - answers - printed)


@contextmanager
def _pickled(student):
    """Where the kernel does not count writes: what the student's process says it pickled."""
    pickler = student.make(PickledBytes)
    pickler.start()
    sent = {"total": 0, "source": "pickler"}
    try:
        yield sent
    except STUDENT_STOPPED:
        raise  # the count went with the student's process
    except BaseException:
        pickler.stop()
        raise
    pickled = pickler.stop()
    sent["total"] = pickled if isinstance(pickled, int) else 0


@dataclass(frozen=True)
class Handle:
    """One SharedMemory object of the student's process, as it reported it."""

    name: str
    size: int
    created: bool
    closed: bool


@dataclass
class Segments:
    """What a SegmentWatch in the student's process saw, with what the grader found itself."""

    handles: list[Handle] = field(default_factory=list)
    unlinked: set[str] = field(default_factory=set)
    # Created segments that the grader found still there, whatever the report said.
    still_there: set[str] = field(default_factory=set)

    @classmethod
    def from_report(cls, report) -> Segments:
        """SegmentWatch.stop()'s report, with every segment it names as created looked up by
        the grader; anything not shaped like a handle is left out."""
        handles = []
        entries = report.get("handles") if isinstance(report, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                size = entry.get("size")
                handles.append(Handle(entry["name"][:200], size if isinstance(size, int) else 0,
                                      entry.get("created") is True, entry.get("closed") is True))
        names = report.get("unlinked") if isinstance(report, dict) else None
        unlinked = {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()
        segments = cls(handles, unlinked)
        segments.still_there = {h.name for h in segments.created() if segment_exists(h.name)}
        return segments

    def created(self) -> list[Handle]:
        return [h for h in self.handles if h.created]

    def not_unlinked(self) -> list[Handle]:
        """Segments the code created that still exist: they outlive every process."""
        return [h for h in self.created()
                if h.name not in self.unlinked or h.name in self.still_there]

    def not_closed(self) -> list[Handle]:
        """Handles of the student's process still open: their memory stays mapped until it exits."""
        return [h for h in self.handles if not h.closed]


def _attach(name: str) -> shared_memory.SharedMemory:
    """The segment of that name, opened without making it this process's to clean up."""
    if sys.version_info >= (3, 13):
        return shared_memory.SharedMemory(name=name, track=False)
    segment = shared_memory.SharedMemory(name=name)
    if os.name == "posix":
        # Before 3.13 attaching registers the segment with this process's resource tracker,
        # which would unlink it (and warn of a leak) when this process ends: it is the
        # student's segment, not the grader's.
        from multiprocessing import resource_tracker

        resource_tracker.unregister(segment._name, "shared_memory")
    return segment


def segment_exists(name: str) -> bool:
    """Whether a segment of this name can still be attached to (it was never unlinked)."""
    try:
        _attach(name).close()
    except (FileNotFoundError, ValueError, OSError):
        return False
    return True


def read_segment(name: str, shape: tuple, dtype):
    """What another process attaching to segment `name` sees there as an array of this shape and
    dtype: a copy, or None when there is no such segment or it is too small to hold one."""
    import numpy as np

    try:
        segment = _attach(name)
    except (FileNotFoundError, ValueError, OSError):
        return None
    try:
        kind = np.dtype(dtype)
        if segment.size < int(np.prod(shape)) * kind.itemsize:
            return None
        return np.ndarray(shape, dtype=kind, buffer=segment.buf).copy()
    finally:
        segment.close()
