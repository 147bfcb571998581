"""A correct alternative: a Pool's starmap over the slices, np.array_split for the bounds,
np.frombuffer for the views, and a worker that closes its handle in a finally block."""
from multiprocessing import Pool
from multiprocessing.shared_memory import SharedMemory

import numpy as np


def create_shared_array(values):
    shm = SharedMemory(create=True, size=values.nbytes)
    array = np.frombuffer(shm.buf, dtype=values.dtype, count=values.size).reshape(values.shape)
    np.copyto(array, values)
    return shm, array


def transform_slice(name, shape, dtype, start, stop, func):
    shm = SharedMemory(name=name)
    try:
        view = np.frombuffer(shm.buf, dtype=dtype, count=int(np.prod(shape))).reshape(shape)
        func(view[start:stop])
        del view
    finally:
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
