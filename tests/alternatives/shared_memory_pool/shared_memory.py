"""A correct alternative: a Pool's starmap over the slices, np.array_split for the bounds,
and np.frombuffer for the views."""
from multiprocessing import Pool
from multiprocessing.shared_memory import SharedMemory

import numpy as np


def create_shared_array(values):
    shm = SharedMemory(create=True, size=values.nbytes)
    array = np.frombuffer(shm.buf, dtype=values.dtype, count=values.size).reshape(values.shape)
    np.copyto(array, values)
    return shm, array


def transform_slice(name, shape, dtype, start, stop, func):
    # No finally around func: while its exception is alive, its traceback keeps the block (a
    # view) alive, and close() would fail with BufferError, hiding the real error.
    shm = SharedMemory(name=name)
    view = np.frombuffer(shm.buf, dtype=dtype, count=int(np.prod(shape))).reshape(shape)
    func(view[start:stop])
    del view
    shm.close()


def parallel_transform(values, func, workers):
    shm, array = create_shared_array(values)
    try:
        pieces = np.array_split(np.arange(len(values)), workers)
        jobs = [(shm.name, values.shape, values.dtype.str, int(p[0]), int(p[-1]) + 1, func)
                for p in pieces if len(p)]
        with Pool(workers) as pool:
            pool.starmap(transform_slice, jobs)
        return np.array(array)
    finally:
        del array
        shm.close()
        shm.unlink()
