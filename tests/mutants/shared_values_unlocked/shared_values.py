"""Known wrong: read-modify-write without holding the lock loses updates."""
from solutions.shared_values import count_in_parallel, parallel_histogram  # noqa: F401
import solutions.shared_values as _solution


def add_to_counter(counter, times):
    for _ in range(times):
        counter.value += 1


def add_to_histogram(hist, values, bin_width):
    for value in values:
        hist[value // bin_width] += 1


# The solution's drivers start workers by these names; point them at the unlocked ones.
_solution.add_to_counter = add_to_counter
_solution.add_to_histogram = add_to_histogram
