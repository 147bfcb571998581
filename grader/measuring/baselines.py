"""The kit's own parallel run, timed beside the student's in speedup checks.

It does the same tasks with the same number of workers and the start method in force, so
process start-up, the machine's speed and whatever else is running weigh on it as on the
student's run. It answers no exercise: it hands each worker a contiguous share of the work and
brings nothing back, since the student's answers are checked against the grader's own.
"""

from __future__ import annotations

import multiprocessing


def _each_of(func, share: list[tuple]) -> None:
    for args in share:
        func(*args)


def _run_in_processes(target, func, work: list, workers: int) -> None:
    """target(func, share) for `workers` contiguous shares of work, each in a Process of its
    own, all started before any is joined; raises if one of them failed."""
    bounds = [len(work) * i // workers for i in range(workers + 1)]
    processes = [multiprocessing.Process(target=target, args=(func, work[start:stop]))
                 for start, stop in zip(bounds, bounds[1:]) if stop > start]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    failed = [process.exitcode for process in processes if process.exitcode != 0]
    if failed:
        raise RuntimeError(f"the kit's own run failed (exit codes {failed})")


def spread(func, args_list: list[tuple], workers: int) -> None:
    """func(*args) for every args tuple, each worker taking a contiguous share of them."""
    _run_in_processes(_each_of, func, args_list, workers)


def spread_items(func, items: list, workers: int) -> None:
    """func(item) for every item, each worker taking a contiguous share of them."""
    spread(func, [(item,) for item in items], workers)


def spread_shares(func, items: list, workers: int) -> None:
    """func(share) once in each worker, for `workers` contiguous shares of items (a mapper
    over a chunk of lines)."""
    _run_in_processes(_call_with, func, items, workers)


def _call_with(func, share: list) -> None:
    func(share)
