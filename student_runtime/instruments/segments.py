"""The SharedMemory handles of the student's process, watched from inside it.

A SegmentWatch, built in the student's process before a call (`student.make(SegmentWatch)`),
notes every SharedMemory that process creates or attaches to from then on, whether the code
closed it (by itself, not through the garbage collector) and whether it unlinked it. stop(),
called once the call has returned, gives that as plain data; clean_up() unlinks what was left.
It works where /dev/shm cannot be listed (macOS, Windows), but sees only this process: a
worker's handles are its own. The grader checks what it can itself (whether a segment still
exists) and words the rest (grader/measuring/transfer.py).

describe_shared_array() says, as plain data, what create_shared_array returned.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass
from multiprocessing import shared_memory


@dataclass
class Handle:
    """One SharedMemory object of this process."""

    name: str
    size: int
    created: bool
    closed: bool = False


class SegmentWatch:
    """Notes the SharedMemory handles this process opens, closes and unlinks, until stop()."""

    def __init__(self) -> None:
        self.handles: list[Handle] = []
        self.unlinked: set[str] = set()
        self._watching = True
        cls = shared_memory.SharedMemory
        self._originals = (cls.__init__, cls.close, cls.unlink)
        original_init, original_close, original_unlink = self._originals
        pid, watch = os.getpid(), self

        def __init__(self, name=None, create=False, size=0, *args, **kwargs):
            original_init(self, name, create, size, *args, **kwargs)
            if watch._watching and os.getpid() == pid:
                self._watched_handle = Handle(self.name, self.size, bool(create))
                watch.handles.append(self._watched_handle)

        def close(self):
            original_close(self)
            handle = getattr(self, "_watched_handle", None)
            # SharedMemory.__del__ closes a handle nobody closed, but only when the object is
            # collected, and it gives up silently while an array still views the memory:
            # only a close() the code itself made counts.
            if handle is not None and sys._getframe(1).f_code.co_name != "__del__":
                handle.closed = True

        def unlink(self):
            original_unlink(self)
            if watch._watching and os.getpid() == pid:
                watch.unlinked.add(self.name)

        self._patches = (__init__, close, unlink)
        cls.__init__, cls.close, cls.unlink = self._patches

    def stop(self) -> dict:
        """Stop watching (a second call changes nothing); what was seen, as plain data:
        {"handles": [{name, size, created, closed}], "unlinked": [names]}."""
        self._watching = False
        cls = shared_memory.SharedMemory
        # Put back only while ours are in place: whoever patched the class after us keeps theirs.
        if (cls.__init__, cls.close, cls.unlink) == self._patches:
            cls.__init__, cls.close, cls.unlink = self._originals
        return {"handles": [asdict(h) for h in self.handles], "unlinked": sorted(self.unlinked)}

    def clean_up(self) -> list[str]:
        """Unlink the segments created and left behind (the leftover guard would otherwise report
        them a second time); their names."""
        removed = []
        for handle in self.handles:
            if not handle.created or handle.name in self.unlinked:
                continue
            try:
                segment = shared_memory.SharedMemory(name=handle.name)
            except FileNotFoundError:
                continue
            segment.close()
            segment.unlink()
            removed.append(handle.name)
        return removed


def describe_shared_array(pair) -> dict:
    """What create_shared_array returned, as plain data.

    {"pair": False, "type": ...} when it is not a (SharedMemory, array) pair; else the array's
    type, shape and dtype, the segment's name and size, and whether the array views the
    segment's memory.
    """
    import numpy as np

    if not isinstance(pair, tuple) or len(pair) != 2:
        return {"pair": False, "type": type(pair).__name__}
    shm, array = pair
    if not isinstance(shm, shared_memory.SharedMemory):
        return {"pair": False, "type": f"({type(shm).__name__}, {type(array).__name__})"}
    facts = {"pair": True, "name": shm.name, "size": shm.size,
             "array_type": type(array).__name__, "is_ndarray": isinstance(array, np.ndarray)}
    if facts["is_ndarray"]:
        # A handle already closed has no buffer left to view.
        views = shm.buf is not None and np.shares_memory(array, np.frombuffer(shm.buf,
                                                                              dtype=np.uint8))
        facts.update(shape=list(array.shape), dtype=array.dtype.str, views_segment=bool(views))
    return facts
