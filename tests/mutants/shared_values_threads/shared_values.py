"""Known wrong: the shared objects are only ever written by threads of the grading process."""
import threading

from solutions.shared_values import add_to_counter, add_to_histogram


def _run_all(threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def count_in_parallel(counter, workers, times):
    _run_all([threading.Thread(target=add_to_counter, args=(counter, times)) for _ in range(workers)])
    return counter.value


def parallel_histogram(hist, values, workers, bin_width):
    _run_all([threading.Thread(target=add_to_histogram, args=(hist, values[i::workers], bin_width))
              for i in range(workers)])
    return [hist[i] for i in range(len(hist))]
