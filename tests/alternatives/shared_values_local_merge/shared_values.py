"""A correct alternative: each worker counts on its own and adds its total once, under the lock."""
from collections import Counter
from multiprocessing import Process


def _add_total(counter, times):
    with counter.get_lock():
        counter.value += times


def count_in_parallel(counter, workers, times):
    processes = [Process(target=_add_total, args=(counter, times)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return counter.value


def _merge_counts(hist, values, bin_width):
    counts = Counter(value // bin_width for value in values)
    with hist.get_lock():
        for index, count in counts.items():
            hist[index] += count


def parallel_histogram(hist, values, workers, bin_width):
    share = -(-len(values) // workers)
    processes = [Process(target=_merge_counts, args=(hist, values[i:i + share], bin_width))
                 for i in range(0, len(values), share)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return hist[:]
