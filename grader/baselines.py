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
