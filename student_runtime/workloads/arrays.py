"""Work on large NumPy arrays, per block, that notes whether each block was shared or copied: the
shared_memory topic's transforms, and joblib_parallel's and dask_cluster's sums."""

from __future__ import annotations

import os
import time

from student_runtime.workloads import notes
from student_runtime.workloads.tasks import TaskLog, TaskRecord


def values_of(size: int):
    """The same float64 values on every run, in every process: the arrays the checks hand out."""
    import numpy as np

    return np.linspace(-1.0, 1.0, size)


def transform_own_block(func, size: int, start: int, stop: int) -> None:
    """func on values_of(size)[start:stop], made in this process: a share of the kit's own run,
    which thus needs no data sent to its workers."""
    func(values_of(size)[start:stop].copy())


def in_shared_memory(block) -> bool:
    """True when a NumPy array is a view on a memory-mapped segment, such as SharedMemory.buf.

    Follows the array's bases down to what owns the memory: a SharedMemory's mmap, on every
    platform, or an array that owns its data (a private copy, as made by pickling).
    """
    import mmap

    owner = block
    for _ in range(64):
        if isinstance(owner, mmap.mmap):
            return True
        if isinstance(owner, memoryview):
            owner = owner.obj
        elif getattr(owner, "base", None) is not None:
            owner = owner.base
        else:
            return False
    return False


def sin_passes_for(cpu_seconds: float, elements: int) -> int:
    """How many np.sin passes over `elements` float64 values take about this much CPU time."""
    import numpy as np

    probe = np.linspace(0.0, 1.0, 200_000)
    scratch = np.empty_like(probe)
    fastest = float("inf")
    for _ in range(3):
        start = time.thread_time()
        np.sin(probe, out=scratch)
        fastest = min(fastest, time.thread_time() - start)
    per_element = max(fastest, 1e-5) / probe.size
    return max(1, round(cpu_seconds / (per_element * max(elements, 1))))


class BlockTransform:
    """An in-place, per-element NumPy operation on one block of a shared array: x -> 2x + 1.

    Called as func(block) with a NumPy array (a slice of the shared array), it changes the block
    in place and returns None. Before its write it makes `passes` passes of np.sin over the
    block into a scratch array, so that its CPU cost grows with the block's size. NumPy ufuncs
    release the GIL, so the CPU it got is read with thread_time(). It logs a TaskRecord, and in
    `<pid>.blocks` whether the block it was given was a view on shared memory or a private
    copy, with its size.
    """

    def __init__(self, log_dir: str | os.PathLike, passes: int = 0) -> None:
        self.log_dir = str(log_dir)
        self.passes = passes

    def __call__(self, block) -> None:
        import numpy as np

        start, cpu_start = TaskLog(self.log_dir).begin(), time.thread_time()
        if self.passes:
            scratch = np.empty_like(block)
            for _ in range(self.passes):
                np.sin(block, out=scratch)
        block *= 2
        block += 1
        end, cpu_end = time.monotonic(), time.thread_time()
        TaskLog(self.log_dir).write(TaskRecord.here(start, end, cpu_end - cpu_start))
        notes.note(self.log_dir, "blocks", f"{int(in_shared_memory(block))} {block.size}")

    @staticmethod
    def expected(values):
        """What the whole array must hold once every block has been transformed."""
        return values * 2 + 1

    def blocks(self) -> list[tuple[int, bool, int]]:
        """(pid, in shared memory, elements) for every block transformed so far."""
        return _noted_arrays(self.log_dir, "blocks")


class FailingBlockTransform:
    """A per-block function that always raises, as a worker's bug would."""

    def __call__(self, block) -> None:
        raise ValueError(f"this block of {len(block)} values cannot be transformed (on purpose)")


class BlockSum:
    """The sum of one block of a large array, called as func(values, start, stop): what joblib's
    workers run on an array they share.

    It notes in `<pid>.arrays` whether the `values` it was given were memory-mapped (a view on a
    file or a segment, as joblib hands out large arrays) or a private copy, and their size.
    """

    def __init__(self, log_dir: str | os.PathLike) -> None:
        self.log_dir = str(log_dir)

    def __call__(self, values, start: int, stop: int) -> float:
        import numpy as np

        os.makedirs(self.log_dir, exist_ok=True)  # here, by the student's user
        notes.note(self.log_dir, "arrays", f"{int(self.shared(values))} {values.size}")
        return float(np.sum(values[start:stop]))

    @staticmethod
    def shared(values) -> bool:
        """Whether the array is shared between tasks rather than a copy of their own."""
        return in_shared_memory(values)

    def arrays(self) -> list[tuple[int, bool, int]]:
        """(pid, shared, elements) for every array it was given so far."""
        return _noted_arrays(self.log_dir, "arrays")


class ClusterBlockSum(BlockSum):
    """BlockSum for the tasks of a Dask cluster, where an array sent once with scatter() is kept
    in each worker's store and handed to every task there as that very object; an array passed
    with every task arrives as a copy of the task's own."""

    @staticmethod
    def shared(values) -> bool:
        from distributed import get_worker

        try:
            held = get_worker().data.values()
        except ValueError:  # not in a worker of a cluster
            return False
        return any(value is values for value in held)


def _noted_arrays(log_dir: str, kind: str) -> list[tuple[int, bool, int]]:
    """(pid, shared, elements) for every array noted as `kind` in log_dir."""
    found = []
    for noted in notes.noted(log_dir, kind):
        fields = noted.text.split()
        if len(fields) == 2 and fields[1].isdigit():
            found.append((noted.pid, fields[0] == "1", int(fields[1])))
    return found
