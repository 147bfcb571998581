"""Known wrong: value % n_bins instead of value // bin_width."""
from multiprocessing import Process

from solutions.shared_values import add_to_counter, count_in_parallel  # noqa: F401


def add_to_histogram(hist, values, bin_width):
    for value in values:
        with hist.get_lock():
            hist[value % len(hist)] += 1


def parallel_histogram(hist, values, workers, bin_width):
    processes = [Process(target=add_to_histogram, args=(hist, values[i::workers], bin_width))
                 for i in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return [hist[i] for i in range(len(hist))]
