"""Reference solution for shared_values."""

from multiprocessing import Process


def add_to_counter(counter, times):
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1


def count_in_parallel(counter, workers, times):
    processes = [Process(target=add_to_counter, args=(counter, times)) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return counter.value


def add_to_histogram(hist, values, bin_width):
    for value in values:
        with hist.get_lock():
            hist[value // bin_width] += 1


def parallel_histogram(hist, values, workers, bin_width):
    slices = [values[i::workers] for i in range(workers)]
    processes = [Process(target=add_to_histogram, args=(hist, part, bin_width)) for part in slices]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return [hist[i] for i in range(len(hist))]
