"""Hostile: add_to_counter acquires the lock and never releases it, so the others wait forever."""
from solutions.shared_values import add_to_histogram, parallel_histogram  # noqa: F401
from multiprocessing import Process


def add_to_counter(counter, times):
    counter.get_lock().acquire()
    counter.value += times


def count_in_parallel(counter, workers, times):
    processes = [Process(target=add_to_counter, args=(counter, times)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return counter.value
