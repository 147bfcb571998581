"""Known wrong: joins the children before taking their results off the queue. Small results fit
in the pipe's buffer and pass; large ones deadlock."""
from multiprocessing import Process, Queue

from solutions.process_basics import _run_and_send, run_with_deadline, start_all_then_join  # noqa: F401


def results_from_children(func, inputs):
    results = Queue()
    processes = [Process(target=_run_and_send, args=(func, i, x, results))
                 for i, x in enumerate(inputs)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    collected = [None] * len(inputs)
    for _ in inputs:
        index, value = results.get()
        collected[index] = value
    return collected
