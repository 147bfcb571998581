"""Reference solution for shared_memory."""

from multiprocessing import Process
from multiprocessing.shared_memory import SharedMemory

import numpy as np


def create_shared_array(values):
    shm = SharedMemory(create=True, size=values.nbytes)
    array = np.ndarray(values.shape, dtype=values.dtype, buffer=shm.buf)
    array[...] = values
    return shm, array


def transform_slice(name, shape, dtype, start, stop, func):
    shm = SharedMemory(name=name)
    array = np.ndarray(shape, dtype=dtype, buffer=shm.buf)
    func(array[start:stop])
    del array
    shm.close()


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
        failed = [p.exitcode for p in processes if p.exitcode != 0]
        if failed:
            raise RuntimeError(f"{len(failed)} worker(s) failed, exit codes {failed}")
        return array.copy()
    finally:
        del array
        shm.close()
        shm.unlink()
