"""The kit's own correct parallel runs, timed beside the student's in speedup checks.

Each does the same tasks with the same number of workers and the start method in force, so
process start-up, the machine's speed and whatever else is running weigh on it as on the
student's run. They are plain on purpose: what any correct solution does.
"""

from __future__ import annotations

import multiprocessing


def pool_map(func, items: list, workers: int) -> list:
    """func over items on a Pool of `workers` processes, one item per message."""
    with multiprocessing.Pool(workers) as pool:
        return pool.map(func, items, chunksize=1)


def one_process_each(target, args_list: list[tuple]) -> list[int | None]:
    """target(*args) in a Process of its own for every args, all started before any is joined."""
    processes = [multiprocessing.Process(target=target, args=args) for args in args_list]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return [process.exitcode for process in processes]


def _transform_block(name: str, shape: tuple, dtype: str, start: int, stop: int, func) -> None:
    import numpy as np
    from multiprocessing import shared_memory

    segment = shared_memory.SharedMemory(name=name)
    try:
        array = np.ndarray(shape, dtype=dtype, buffer=segment.buf)
        func(array[start:stop])
        del array
    finally:
        segment.close()


def shared_array_transform(values, func, workers: int):
    """func on `workers` contiguous blocks of a copy of values in shared memory, in place.

    Each worker attaches to the segment by name; the result is copied out and the segment
    closed and unlinked.
    """
    import numpy as np
    from multiprocessing import shared_memory

    segment = shared_memory.SharedMemory(create=True, size=values.nbytes)
    try:
        array = np.ndarray(values.shape, dtype=values.dtype, buffer=segment.buf)
        array[...] = values
        bounds = np.linspace(0, len(values), workers + 1).astype(int)
        one_process_each(_transform_block, [
            (segment.name, values.shape, values.dtype.str, int(start), int(stop), func)
            for start, stop in zip(bounds[:-1], bounds[1:])])
        result = array.copy()
        del array
        return result
    finally:
        segment.close()
        segment.unlink()


def executor_map(func, items: list, workers: int) -> list:
    """func over items on a ProcessPoolExecutor of `workers` processes, results in order."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))


def pool_starmap(func, args_list: list[tuple], workers: int) -> list:
    """func(*args) for every args tuple on a Pool of `workers` processes, one tuple per message."""
    with multiprocessing.Pool(workers) as pool:
        return pool.starmap(func, args_list, chunksize=1)


def word_chunks(lines: list, workers: int) -> list[list]:
    """The kit's split for map-reduce: `workers` contiguous chunks whose sizes differ by at most
    one, none of them empty."""
    size, extra = divmod(len(lines), workers)
    bounds = [i * size + min(i, extra) for i in range(workers + 1)]
    return [lines[start:stop] for start, stop in zip(bounds, bounds[1:]) if stop > start]


def word_count(mapper, lines: list, workers: int):
    """Map-reduce: the kit's chunks of lines counted on a Pool of `workers`, the counts added up."""
    from collections import Counter

    total = Counter()
    with multiprocessing.Pool(workers) as pool:
        for counts in pool.map(mapper, word_chunks(lines, workers), chunksize=1):
            total.update(counts)
    return total
