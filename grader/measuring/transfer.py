"""What the student's process sent to other processes, and what it did with shared memory, as
the grader reads it.

Bytes sent: where the kernel counts what a process writes (Linux), the grader reads that count
for the student's process, less the answers it wrote to the grader and what it printed. Elsewhere
the pickler of the student's process counts (student_runtime.instruments.pickles), and that
count is the process speaking about itself. A cluster's processes talk over TCP, whose send()
the kernel leaves out of that count: for them the grader reads the kernel's count of the
loopback interface (Linux and macOS), which other programs can only add to.

Segments: a SegmentWatch in the student's process (student_runtime.instruments.segments)
reports plain data; here that report is read without trusting its shape, and set beside what
the grader can see for itself: whether a segment of that name still exists, and what a process
attaching to it finds there. On Linux the kernel has the last word on the rest too: which
segments appeared during the call, and which are still mapped into the student's process (a
handle never closed). What the student's process says can fail a check; whether a segment
outlived the call, was left open, and what it holds, the grader sees itself.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import shared_memory
from pathlib import Path

from grader.measuring.kernel_cpu import written_bytes
from grader.call_errors import STUDENT_STOPPED
from grader import system
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
def bytes_through_loopback():
    """Count the bytes that every process on this machine sends through the loopback interface
    during the block: what a cluster on this machine sends between its processes, over TCP.

    Yields a dict whose "total" (bytes) is set when the block ends, or left None where the
    kernel keeps no such count. Other programs' traffic can only add to it.
    """
    before = system.loopback_bytes_sent()
    sent = {"total": None}
    yield sent
    after = system.loopback_bytes_sent()
    if before is not None and after is not None:
        sent["total"] = max(0, after - before)


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
    def from_report(cls, report, seen: dict | None = None) -> Segments:
        """SegmentWatch.stop()'s report, with every segment it names as created looked up by
        the grader; anything not shaped like a handle is left out.

        seen is what segments_seen() found, where the kernel could tell: segments that appeared
        during the call are created ones whatever the report says, and a segment still mapped
        into the student's process is an open handle whatever the report says.
        """
        handles = []
        entries = report.get("handles") if isinstance(report, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                size = entry.get("size")
                handles.append(Handle(entry["name"][:200], size if isinstance(size, int) else 0,
                                      entry.get("created") is True, entry.get("closed") is True))
        names = report.get("unlinked") if isinstance(report, dict) else None
        unlinked = {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()
        if seen:
            handles = _with_what_the_kernel_saw(handles, seen)
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


def _with_what_the_kernel_saw(handles: list[Handle], seen: dict) -> list[Handle]:
    mapped, appeared = seen.get("mapped"), seen.get("appeared") or set()
    named = {h.name for h in handles}
    handles = handles + [Handle(name, _size_of(name), created=True, closed=False)
                         for name in sorted(appeared - named)]
    if mapped is None:
        return handles
    # A handle the report calls open stays open (the garbage collector may have unmapped it
    # since); one it calls closed is open if the kernel still shows it mapped.
    return [Handle(h.name, h.size, h.created, h.closed and h.name not in mapped)
            for h in handles] + [
        Handle(name, 0, created=False, closed=False) for name in sorted(mapped - named - appeared)]


def _size_of(name: str) -> int:
    try:
        return (system.SHM_DIR / name).stat().st_size
    except OSError:
        return 0


def mapped_segments(pid: int | None) -> set[str] | None:
    """The shared-memory segments mapped into process `pid`, unlinked ones included (Linux; None
    elsewhere, or when the process cannot be read)."""
    if pid is None or not sys.platform.startswith("linux"):
        return None
    try:
        maps = Path(f"/proc/{pid}/maps").read_text(errors="replace")
    except OSError:
        return None
    prefix = f"{system.SHM_DIR}/"
    names = set()
    for line in maps.splitlines():
        _, found, name = line.partition(prefix)
        name = name.removesuffix(" (deleted)").strip()
        if found and name and not name.startswith("sem."):
            names.add(name)
    return names


@contextmanager
def segments_seen(student):
    """What the kernel shows of the student's shared memory during the block: yields a dict
    whose "appeared" (segments created and still there) and "mapped" (segments newly mapped
    into the student's process) are set when the block ends, each None where it cannot tell."""
    listed_before = system.shared_memory_segments()
    mapped_before = mapped_segments(student.pid)
    seen = {"appeared": None, "mapped": None}
    yield seen
    listed_after = system.shared_memory_segments()
    mapped_after = mapped_segments(student.pid)
    if listed_before is not None and listed_after is not None:
        appeared = listed_after - listed_before
        # A segment that another program (a second grading run, say) maps is not the student's.
        ours = {os.getpid(), student.pid, *(system.descendant_pids(student.pid) or [])}
        seen["appeared"] = appeared - system.mapped_elsewhere(appeared, ours=ours)
    if mapped_before is not None and mapped_after is not None:
        seen["mapped"] = mapped_after - mapped_before


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
