"""Attack: the parent works out the totals, and one child writes them once, without a lock;
no worker ever counts."""
from multiprocessing import Process


def _write_counter(counter, total):
    counter.value = total


def _write_histogram(hist, counts):
    for index, count in enumerate(counts):
        hist[index] = count


def count_in_parallel(counter, workers, times):
    child = Process(target=_write_counter, args=(counter, workers * times))
    child.start()
    child.join()
    return counter.value


def parallel_histogram(hist, values, workers, bin_width):
    counts = [0] * len(hist)
    for value in values:
        counts[value // bin_width] += 1
    child = Process(target=_write_histogram, args=(hist, counts))
    child.start()
    child.join()
    return list(hist)
