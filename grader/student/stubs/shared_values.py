"""Sharing numbers between processes with Value and Array, without losing updates.

Lesson: "Shared State and Communication", "Shared Memory Values".

Processes share no memory by default, but `multiprocessing.Value('q', 0)` puts one number in
shared memory and `multiprocessing.Array('q', 10)` a row of them; every process that receives
the object (through `Process(args=...)`) sees and changes the same memory.

Sharing brings races. `counter.value += 1` is three steps: read the value, add one, write it
back. If two processes both read 41 before either writes, both write 42 and one increment is
lost. Each Value and Array carries a lock for this: hold it for the whole read-modify-write,

    with counter.get_lock():
        counter.value += 1

and only one process at a time can be between the read and the write.

The grader hands your functions stand-ins for Value and Array that behave the same but make
every unlocked read-modify-write lose updates, so a race shows on every run, not once a month.
"""

from multiprocessing import Process  # noqa: F401  (you will need it)


def add_to_counter(counter, times):
    """Worker: add 1 to counter.value, `times` times, holding counter.get_lock() for each.

    Example:
        >>> add_to_counter(counter, 3)   # counter.value goes from 0 to 3
    """
    # TODO: loop `times` times; inside, hold counter.get_lock() while you add 1 to counter.value.
    raise NotImplementedError("add_to_counter: add 1 to counter.value `times` times, each under counter.get_lock()")


def count_in_parallel(counter, workers, times):
    """Run add_to_counter(counter, times) in `workers` processes at once; return the final count.

    Args:
        counter: a shared integer (multiprocessing.Value or the grader's stand-in).
        workers: how many processes to start.
        times: how many increments each process makes.

    Returns:
        counter.value once every process has been joined: workers * times more than at the start.

    Example:
        >>> count_in_parallel(multiprocessing.Value('q', 0), workers=4, times=250)
        1000
    """
    # TODO: start `workers` Processes with target=add_to_counter, args=(counter, times); join all.
    raise NotImplementedError("count_in_parallel: write add_to_counter first, then start `workers` processes running it, join them, return counter.value")


def add_to_histogram(hist, values, bin_width):
    """Worker: for each value, add 1 to hist[value // bin_width], holding hist.get_lock().

    Example:
        >>> add_to_histogram(hist, [3, 12, 15], bin_width=10)   # hist[0] += 1, hist[1] += 2
    """
    # TODO: for every value, hold hist.get_lock() while you add 1 to hist[value // bin_width].
    raise NotImplementedError("add_to_histogram: add 1 to hist[value // bin_width] for each value, under hist.get_lock()")


def parallel_histogram(hist, values, workers, bin_width):
    """Count values into the shared array `hist` using `workers` processes, each with a slice.

    Args:
        hist: a shared array of counts, all 0 at the start (multiprocessing.Array or stand-in).
        values: non-negative integers; value v belongs in bin v // bin_width.
        workers: how many processes to start; give each a share of the values (values[i::workers]).
        bin_width: the width of each bin.

    Returns:
        The counts as a list, read after every process has been joined.

    Example:
        >>> parallel_histogram(multiprocessing.Array('q', 2), [1, 5, 12], workers=2, bin_width=10)
        [2, 1]
    """
    # TODO: start one Process per slice with target=add_to_histogram; join all; return the counts.
    raise NotImplementedError("parallel_histogram: write add_to_histogram first, then start a Process per slice of values running it, join, return the counts")
