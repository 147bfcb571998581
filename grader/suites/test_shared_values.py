"""Checks for shared_values (lesson: Shared Memory Values; Value and Array with locks).

The counter and histogram handed to the student's code are race-amplified stand-ins for
multiprocessing.Value and Array, built in the student's process: an unlocked read-modify-write
loses updates on every run, while code that holds get_lock() never does. The final values, the
processes that wrote and the writes made without the lock are read from those stand-ins, so
they are the student's process's own account (student_runtime.instruments.races).
"""

import random

import pytest

from grader.reporting.feedback import mismatch
from student_runtime.instruments.races import RaceAmplifiedArray, RaceAmplifiedValue

WORKERS = 4
LOCK_ADVICE = (
    "Hold the object's own lock around the whole read-modify-write: "
    "`with {name}.get_lock(): {name}{index} += 1`."
)


def lost_updates_message(what: str, final: int, expected: int, unlocked_writes: int,
                         name: str, index: str) -> str:
    lost = expected - final
    return (f"The {what} ended at {final:,} of {expected:,}: {lost:,} increments were lost because "
            f"two processes read the same value before either wrote it back ({unlocked_writes:,} "
            f"writes were made without holding the lock). " + LOCK_ADVICE.format(name=name, index=index))


def unlocked_note(shared, name: str) -> str:
    """A pointer to the lock when some writes were made without it, else nothing."""
    if not shared.unlocked_writes:
        return ""
    return (f" {shared.unlocked_writes:,} writes were made without holding {name}.get_lock(), "
            "so some updates were probably lost.")


def assert_written_by_children(shared, what: str, student_pid: int) -> None:
    writers = shared.writer_pids
    assert writers - {student_pid}, (
        f"Every write to the {what} came from the grading process itself, so nothing ran in "
        "parallel. Start worker processes and pass the shared object to them in args=(...).")


def histogram_values(count: int, high: int) -> list[int]:
    """The same pseudo-random values in [0, high) on every run."""
    return random.Random(count).choices(range(high), k=count)


def expected_histogram(values: list[int], bins: int, bin_width: int) -> list[int]:
    counts = [0] * bins
    for value in values:
        counts[value // bin_width] += 1
    return counts


@pytest.mark.check("correctness", points=2, timeout=6)
def test_counter_total(exercise, student, check_report):
    counter = student.make(RaceAmplifiedValue, "q", 0, window_s=0.0, workers=WORKERS)
    got = exercise.count_in_parallel(counter, WORKERS, 250)
    expected = WORKERS * 250
    assert got == expected, mismatch(f"count_in_parallel(counter, {WORKERS}, 250)", got, expected,
                                     "Return counter.value after every worker has been joined."
                                     + unlocked_note(counter, "counter"))
    assert_written_by_children(counter, "counter", student.pid)
    check_report.record({"writer_processes": len(counter.writer_pids)},
                        f"{WORKERS} processes counted to {expected:,}.")


@pytest.mark.check("race", points=3, timeout=6)
def test_counter_has_no_lost_updates(exercise, student, check_report):
    times = 25
    counter = student.make(RaceAmplifiedValue, "q", 0, workers=WORKERS)
    exercise.count_in_parallel(counter, WORKERS, times)
    final, expected = counter.snapshot(), WORKERS * times
    check_report.record({"expected": expected, "final": final, "lost_updates": expected - final,
                         "unlocked_writes": counter.unlocked_writes, "workers": WORKERS},
                        f"No update lost in {expected} increments with a widened race window.")
    assert final == expected, lost_updates_message("counter", final, expected,
                                                   counter.unlocked_writes, "counter", ".value")
    assert_written_by_children(counter, "counter", student.pid)


@pytest.mark.check("correctness", points=2, timeout=6)
def test_histogram_counts(exercise, student, check_report):
    bins, width = 10, 10
    values = histogram_values(2000, bins * width)
    hist = student.make(RaceAmplifiedArray, "q", bins, window_s=0.0, workers=WORKERS)
    got = exercise.parallel_histogram(hist, values, WORKERS, width)
    expected = expected_histogram(values, bins, width)
    assert got == expected, mismatch(
        f"parallel_histogram(hist, <2000 values>, {WORKERS}, bin_width={width})", got, expected,
        "Each value v adds 1 to hist[v // bin_width]; give every worker its own slice of the "
        "values and return list(hist) after joining them all." + unlocked_note(hist, "hist"))
    assert_written_by_children(hist, "histogram", student.pid)
    check_report.record({"values": len(values), "bins": bins}, "The histogram adds up.")


@pytest.mark.check("race", points=3, timeout=6)
def test_histogram_has_no_lost_updates(exercise, student, check_report):
    bins, width = 2, 10
    values = histogram_values(WORKERS * 30, bins * width)
    hist = student.make(RaceAmplifiedArray, "q", bins, workers=WORKERS)
    exercise.parallel_histogram(hist, values, WORKERS, width)
    final, expected = sum(hist.snapshot()), len(values)
    check_report.record({"expected": expected, "final": final, "lost_updates": expected - final,
                         "unlocked_writes": hist.unlocked_writes, "workers": WORKERS},
                        f"No update lost in {expected} increments with a widened race window.")
    assert final == expected, lost_updates_message("histogram's total", final, expected,
                                                   hist.unlocked_writes, "hist", "[i]")
