"""Known wrong: one worker process transforms the whole array, whatever `workers` says."""
from multiprocessing import Process

from solutions.shared_memory import create_shared_array, transform_slice


def parallel_transform(values, func, workers):
    shm, array = create_shared_array(values)
    try:
        process = Process(target=transform_slice,
                          args=(shm.name, values.shape, values.dtype.str, 0, len(values), func))
        process.start()
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"the worker failed with exit code {process.exitcode}")
        return array.copy()
    finally:
        del array
        shm.close()
        shm.unlink()
