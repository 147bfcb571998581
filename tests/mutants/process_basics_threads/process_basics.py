"""Known wrong: results computed on threads of the grading process."""
import queue
import threading

from solutions.process_basics import run_with_deadline, start_all_then_join  # noqa: F401


def results_from_children(func, inputs):
    results = queue.Queue()
    threads = [threading.Thread(target=lambda i=i, x=x: results.put((i, func(x))))
               for i, x in enumerate(inputs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    collected = [None] * len(inputs)
    while not results.empty():
        index, value = results.get()
        collected[index] = value
    return collected
