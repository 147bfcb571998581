"""Known wrong: slices of len // workers values each, so the remainder is never transformed."""
from multiprocessing import Process

from solutions.shared_memory import create_shared_array, transform_slice


def parallel_transform(values, func, workers):
    shm, array = create_shared_array(values)
    try:
        size = len(values) // workers
        processes = [Process(target=transform_slice,
                             args=(shm.name, values.shape, values.dtype.str, i * size,
                                   (i + 1) * size, func))
                     for i in range(workers)]
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
        shm.unlink()
