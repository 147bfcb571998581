"""Attack: the segment is never closed nor unlinked, and the kit's SegmentWatch is patched in
the student's process to report no segment at all."""
from multiprocessing import Process

import numpy as np

from solutions.shared_memory import create_shared_array, transform_slice
from student_runtime.instruments import segments

_kept = []


def _report_nothing(self):
    return {"handles": [], "unlinked": []}


def parallel_transform(values, func, workers):
    segments.SegmentWatch.stop = _report_nothing
    shm, array = create_shared_array(values)
    _kept.append((shm, array))
    bounds = np.linspace(0, len(values), workers + 1).astype(int)
    processes = [Process(target=transform_slice,
                         args=(shm.name, values.shape, values.dtype.str, start, stop, func))
                 for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist())]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    if any(process.exitcode != 0 for process in processes):
        raise RuntimeError("a worker failed")
    return array.copy()
