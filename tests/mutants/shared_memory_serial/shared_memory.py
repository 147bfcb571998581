"""Known wrong: the slices are transformed one after another in the parent; no worker starts."""
import numpy as np

from solutions.shared_memory import create_shared_array, transform_slice


def parallel_transform(values, func, workers):
    shm, array = create_shared_array(values)
    try:
        bounds = np.linspace(0, len(values), workers + 1).astype(int)
        for start, stop in zip(bounds[:-1], bounds[1:]):
            func(array[start:stop])
        return array.copy()
    finally:
        del array
        shm.close()
        shm.unlink()
