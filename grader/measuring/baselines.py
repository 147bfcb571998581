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


# The kit's own three-stage pipeline, for the pipeline speedup check: one reader process
# numbers the items and puts them on a queue, then one end marker per worker; `workers`
# transform processes turn each (seq, item) into (seq, func(item)) and pass the marker on when
# they meet theirs; the calling process collects until every worker's marker has come and puts
# the results back in order.
PIPELINE_END = None


def _read_stage(items: list, tasks, workers: int) -> None:
    for seq, item in enumerate(items):
        tasks.put((seq, item))
    for _ in range(workers):
        tasks.put(PIPELINE_END)


def _transform_stage(func, tasks, results) -> None:
    for seq, item in iter(tasks.get, PIPELINE_END):
        results.put((seq, func(item)))
    results.put(PIPELINE_END)


def run_pipeline(func, items: list, workers: int) -> list:
    """[func(item) for item in items], through a reader, `workers` transformers and a collector."""
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    stages = [multiprocessing.Process(target=_read_stage, args=(items, tasks, workers))]
    stages += [multiprocessing.Process(target=_transform_stage, args=(func, tasks, results))
               for _ in range(workers)]
    for stage in stages:
        stage.start()
    collected, finished = {}, 0
    while finished < workers:
        message = results.get()
        if message is PIPELINE_END:
            finished += 1
        else:
            collected[message[0]] = message[1]
    for stage in stages:
        stage.join()
    return [collected[seq] for seq in sorted(collected)]
