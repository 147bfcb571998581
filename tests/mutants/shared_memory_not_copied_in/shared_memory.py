"""Known wrong: the array is rebound to the values instead of filled, so the segment holds zeros."""
from multiprocessing.shared_memory import SharedMemory

import numpy as np

from solutions.shared_memory import parallel_transform, transform_slice  # noqa: F401


def create_shared_array(values):
    shm = SharedMemory(create=True, size=values.nbytes)
    array = np.ndarray(values.shape, dtype=values.dtype, buffer=shm.buf)
    array = values
    return shm, array
