"""Known wrong: the segment is closed but never unlinked, so it outlives every process."""
from multiprocessing import Process

import numpy as np

from solutions.shared_memory import create_shared_array, transform_slice


def parallel_transform(values, func, workers):
    shm, array = create_shared_array(values)
    try:
        bounds = np.linspace(0, len(values), workers + 1).astype(int)
        processes = [Process(target=transform_slice,
                             args=(shm.name, values.shape, values.dtype.str, start, stop, func))
                     for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist())]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        if any(p.exitcode != 0 for p in processes):
            raise RuntimeError("a worker failed")
        return array.copy()
    finally:
        del array
        shm.close()
