"""Hostile: results_from_children waits for one more result than there are children."""
from multiprocessing import Process, Queue

from solutions.process_basics import _run_and_send, run_with_deadline, start_all_then_join  # noqa: F401


def results_from_children(func, inputs):
    results = Queue()
    processes = [Process(target=_run_and_send, args=(func, i, x, results))
                 for i, x in enumerate(inputs)]
    for process in processes:
        process.start()
    collected = [None] * len(inputs)
    for _ in range(len(inputs) + 1):
        index, value = results.get()
        collected[index] = value
    return collected
