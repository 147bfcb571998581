"""Checks for shared_values (lesson: Shared Memory Values; Value and Array with locks).

The counter and histogram handed to the student's code behave like multiprocessing.Value and
Array, but the grader keeps their numbers and their lock (measuring/served_store.py): an
unlocked read-modify-write loses updates on every run, while code that holds get_lock() never
does. The final values, which processes wrote (as the operating system names them) and the
writes made without the lock are the grader's own account, not the student's process's.
"""

import random

import pytest

from grader.measuring.served_store import ServedStore, served_store
from grader.reporting.feedback import mismatch
from student_runtime.instruments.served import ServedArray, ServedValue

WORKERS = 4
# Fewer writing processes than this, and the work was not shared out.
MIN_WRITERS = 2
# Every locked increment is four round trips to the grader, so a few hundred keep a check short.
COUNTED_TIMES = 60
# Not a multiple of WORKERS, so that a split that drops the remainder loses values.
HISTOGRAM_VALUES = 202
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


def unlocked_note(store: ServedStore, name: str) -> str:
    """A pointer to the lock when some writes were made without it, else nothing."""
    if not store.unlocked_writes:
        return ""
    return (f" {store.unlocked_writes:,} writes were made without holding {name}.get_lock(), "
            "so some updates were probably lost.")


def assert_written_by_workers(store: ServedStore, what: str, student_pid: int) -> None:
    workers = store.writer_pids - {student_pid}
    assert workers, (
        f"Every write to the {what} came from the process that called your function, so "
        "nothing ran in parallel. Start worker processes and pass the shared object to them in "
        "args=(...).")
    assert len(workers) >= MIN_WRITERS, (
        f"Only one worker process wrote to the {what}, although {WORKERS} were asked for: the "
        "others never updated it. Give every worker its share and let each one update the "
        "shared object itself.")


def writer_metrics(store: ServedStore, student_pid: int) -> dict:
    return {"writer_processes": len(store.writer_pids - {student_pid}),
            "writers_named_by": "operating system" if store.attested else "the processes"}


def histogram_values(count: int, high: int) -> list[int]:
    """The same pseudo-random values in [0, high) on every run."""
    return random.Random(count).choices(range(high), k=count)


def expected_histogram(values: list[int], bins: int, bin_width: int) -> list[int]:
    counts = [0] * bins
    for value in values:
        counts[value // bin_width] += 1
    return counts


@pytest.mark.check("correctness", points=2, timeout=8)
def test_counter_total(exercise, student, scratch, check_report):
    with served_store(student, scratch, 1, WORKERS, window_s=0) as store:
        got = exercise.count_in_parallel(ServedValue(store.address), WORKERS, COUNTED_TIMES)
        expected = WORKERS * COUNTED_TIMES
        assert got == expected, mismatch(
            f"count_in_parallel(counter, {WORKERS}, {COUNTED_TIMES})", got, expected,
            "Return counter.value after every worker has been joined."
            + unlocked_note(store, "counter"))
        assert store.values[0] == expected, mismatch(
            "the counter itself", store.values[0], expected,
            "Count in the counter you were given, not in a copy.")
        assert_written_by_workers(store, "counter", student.pid)
        check_report.record(writer_metrics(store, student.pid),
                            f"{WORKERS} processes counted to {expected:,}.")


def assert_no_lost_updates(store: ServedStore, final: int, expected: int, student_pid: int,
                           check_report, owner: str, total: str, code: tuple[str, str]) -> None:
    """The race checks' verdict: every increment is in the served total, written by workers.

    owner names the shared object ("counter"), total what was summed ("histogram's total"),
    code the object's name and indexing in the student's code (("hist", "[i]")).
    """
    check_report.record({"expected": expected, "final": final, "lost_updates": expected - final,
                         "unlocked_writes": store.unlocked_writes, "workers": WORKERS,
                         **writer_metrics(store, student_pid)},
                        f"No update lost in {expected} increments with a widened race window.")
    assert final == expected, lost_updates_message(total, final, expected, store.unlocked_writes,
                                                   *code)
    assert_written_by_workers(store, owner, student_pid)


@pytest.mark.check("race", points=3, timeout=8)
def test_counter_has_no_lost_updates(exercise, student, scratch, check_report):
    times = 25
    with served_store(student, scratch, 1, WORKERS) as store:
        exercise.count_in_parallel(ServedValue(store.address), WORKERS, times)
        assert_no_lost_updates(store, store.values[0], WORKERS * times, student.pid, check_report,
                               owner="counter", total="counter", code=("counter", ".value"))


@pytest.mark.check("correctness", points=2, timeout=10)
def test_histogram_counts(exercise, student, scratch, check_report):
    bins, width = 10, 10
    values = histogram_values(HISTOGRAM_VALUES, bins * width)
    with served_store(student, scratch, bins, WORKERS, window_s=0) as store:
        got = exercise.parallel_histogram(ServedArray(store.address), values, WORKERS, width)
        expected = expected_histogram(values, bins, width)
        assert got == expected, mismatch(
            f"parallel_histogram(hist, <{HISTOGRAM_VALUES} values>, {WORKERS}, bin_width={width})",
            got, expected, "Each value v adds 1 to hist[v // bin_width]; give every worker its own "
            "slice of the values and return list(hist) after joining them all."
            + unlocked_note(store, "hist"))
        assert_written_by_workers(store, "histogram", student.pid)
        check_report.record({"values": len(values), "bins": bins,
                             **writer_metrics(store, student.pid)}, "The histogram adds up.")


@pytest.mark.check("race", points=3, timeout=8)
def test_histogram_has_no_lost_updates(exercise, student, scratch, check_report):
    bins, width = 2, 10
    values = histogram_values(WORKERS * 30, bins * width)
    with served_store(student, scratch, bins, WORKERS) as store:
        exercise.parallel_histogram(ServedArray(store.address), values, WORKERS, width)
        assert_no_lost_updates(store, sum(store.values), len(values), student.pid, check_report,
                               owner="histogram", total="histogram's total", code=("hist", "[i]"))
