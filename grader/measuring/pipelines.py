"""The kit's own three-stage pipeline, timed beside the student's in the pipeline speedup check.

It does what any correct pipeline does, and no more: one reader process numbers the items and
puts them on a queue, followed by one sentinel per worker; `workers` transform processes turn
each (seq, item) into (seq, func(item)) and pass a sentinel on when they meet theirs; the
calling process collects until every worker's sentinel has come and puts the results back in
order. Same tasks, same workers, same start method as the student's run, at the same moment.
"""

from __future__ import annotations

import multiprocessing

SENTINEL = None


def _read(items: list, tasks, workers: int) -> None:
    for seq, item in enumerate(items):
        tasks.put((seq, item))
    for _ in range(workers):
        tasks.put(SENTINEL)


def _transform(func, tasks, results) -> None:
    for seq, item in iter(tasks.get, SENTINEL):
        results.put((seq, func(item)))
    results.put(SENTINEL)


def run_pipeline(func, items: list, workers: int) -> list:
    """[func(item) for item in items], through a reader, `workers` transformers and a collector."""
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    stages = [multiprocessing.Process(target=_read, args=(items, tasks, workers))]
    stages += [multiprocessing.Process(target=_transform, args=(func, tasks, results))
               for _ in range(workers)]
    for stage in stages:
        stage.start()
    collected, finished = {}, 0
    while finished < workers:
        message = results.get()
        if message is SENTINEL:
            finished += 1
        else:
            collected[message[0]] = message[1]
    for stage in stages:
        stage.join()
    return [collected[seq] for seq in sorted(collected)]
