"""Known wrong: results are listed in the order children finished, not the order of inputs."""
from multiprocessing import Process, Queue

from solutions.process_basics import run_with_deadline, start_all_then_join  # noqa: F401


def _send(func, x, results):
    results.put(func(x))


def results_from_children(func, inputs):
    results = Queue()
    processes = [Process(target=_send, args=(func, x, results)) for x in inputs]
    for process in processes:
        process.start()
    collected = [results.get() for _ in inputs]
    for process in processes:
        process.join()
    return collected
