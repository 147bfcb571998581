"""Checks for pool_methods (lesson: Pool Methods).

The tasks handed to the student's code record which item they ran, in which process, and when
they ended. Set beside the moment each result reached the caller, those records show whether
results came lazily, in the order of the items, or in the order the tasks finished, and whether
the caller was free while the workers computed. The student's code runs in a process of its
own; results reach the grader one by one, timed on its own clock, which is the same monotonic
clock the tasks read.
"""

import time
from collections import Counter

import pytest

from grader.call_errors import StudentRaised
from grader.measuring import baselines
from grader.reporting.feedback import mismatch
from grader.measuring.speedup import measure_speedup
from student_runtime.workloads.items import StaggeredSquare, WaitsForATask
from grader.suites.shared_checks import (assert_in_completion_order,
                                         assert_not_in_calling_process, puzzle_work)
from student_runtime.workloads.tasks import TaskLog

ITEMS = [0, 1, 2, 3, 4, 5]
WORKERS = 2
QUICK_S = 0.02
# Item 1 takes far longer than the rest: in order, its result holds back the ones after it.
LAZY_PAUSES = {1: 0.15}
# Item 0 takes far longer than the rest, so it finishes last though it was handed out first.
UNORDERED_PAUSES = {0: 0.2}
# Results of tasks that ended within this long of each other may reach the caller in either order.
ORDER_TOLERANCE_S = 0.05
# The stuck task comes first, so that the wait for it also covers the start of the workers,
# which under spawn on a machine with both cores busy can take most of a second.
STUCK_ITEM = 0
STUCK_S = 600
TIMEOUT_S = 1.5
# Giving up takes the timeout, plus starting and terminating the pool.
STOP_ALLOWANCE_S = 3.0
BACKGROUND_TASK_S = 0.05
PATIENCE_S = 3.0
# get(timeout=...) raises this one, not the builtin TimeoutError (a short name both share).
POOL_TIMEOUT_ERROR = "multiprocessing.context.TimeoutError"

KEEP_POOL_OPEN = (
    "The pool was shut down while results were still being taken: leaving a `with Pool(...)` "
    "block terminates the pool, so an iterator returned from inside it never gets its results. "
    "Make the function a generator that yields the results inside the `with` block."
)
NO_TIMEOUT = (
    f"get() with no timeout waits forever for a task that never finishes, as item {STUCK_ITEM} "
    "here. Pass timeout=timeout_s to get() and catch multiprocessing.TimeoutError."
)
JOIN_STUCK = (
    "join() waits until every worker has finished, and one is stuck on a task that never ends. "
    "After giving up on a result, stop the workers with terminate() (leaving a `with Pool(...)` "
    "block does it) instead of close() and join()."
)


def take_all(results) -> list[tuple[object, float]]:
    """Every value an iterable gives, with the moment each reached the grader: a handle to the
    student's iterator is advanced one call at a time."""
    return [(value, time.monotonic()) for value in results]


def assert_ran_in_workers(records, call: str, student) -> None:
    assert records, f"{call}: no task ran at all. Hand the items to the pool's method."
    assert_not_in_calling_process(records, call, "Hand the items to the pool's method and let the "
                                                "workers call func.", student.pid)


@pytest.mark.check("correctness", points=2, timeout=8)
def test_imap_is_lazy_and_ordered(exercise, student, check_report, task_log):
    check_report.timeout_advice["IMapIterator.next"] = KEEP_POOL_OPEN
    func = StaggeredSquare(task_log.directory, LAZY_PAUSES, QUICK_S)
    ordered_lazily = exercise.ordered_lazily
    started = time.monotonic()
    taken = take_all(ordered_lazily(func, ITEMS, WORKERS))
    got = [value for value, _ in taken]
    expected = [x * x for x in ITEMS]
    assert got == expected, mismatch(
        f"ordered_lazily(square, {ITEMS}, workers={WORKERS})", got, expected,
        "Item 1 takes longest here, yet its result must come second: pool.imap keeps the order "
        "of the items (imap_unordered does not).")
    records = TaskLog(func.log_dir).read()
    assert_ran_in_workers(records, "ordered_lazily", student)
    first_at = taken[0][1] - started
    last_end = max(record.end for record in records) - started
    check_report.record({"first_result_s": round(first_at, 3),
                         "last_task_end_s": round(last_end, 3),
                         "worker_pids": len({record.pid for record in records})},
                        f"The first result reached the caller at {first_at:.2f} s, before the last "
                        f"task ended at {last_end:.2f} s, and every result came in order.")
    assert first_at < last_end, (
        f"The first result reached the caller only at {first_at:.2f} s, after the last task had "
        f"ended ({last_end:.2f} s): ordered_lazily waited for every result before giving any. "
        "pool.map builds the whole list first (and so does one chunk as large as the items); "
        "yield the results of pool.imap, which hands each over as soon as it is ready.")


@pytest.mark.check("correctness", points=2, timeout=8)
def test_imap_unordered_in_completion_order(exercise, student, check_report, task_log):
    check_report.timeout_advice["IMapIterator.next"] = KEEP_POOL_OPEN
    func = StaggeredSquare(task_log.directory, UNORDERED_PAUSES, QUICK_S)
    got = list(exercise.in_completion_order(func, ITEMS, WORKERS))
    expected = [x * x for x in ITEMS]
    assert Counter(got) == Counter(expected), mismatch(
        f"in_completion_order(square, {ITEMS}, workers={WORKERS})", got, expected,
        "Every item's result must come exactly once, in whatever order the tasks finish.")
    records = TaskLog(func.log_dir).read(order="end")
    assert_ran_in_workers(records, "in_completion_order", student)
    assert_in_completion_order(got, ITEMS, records, check_report, ORDER_TOLERANCE_S,
                               "Yield from pool.imap_unordered, which hands over each result "
                               "as soon as it is ready.")


@pytest.mark.check("speedup", points=3, timeout=15)
def test_starmap_speedup(exercise, student, check_report, speedup_plan, task_log):
    plan = speedup_plan
    # Time-lock puzzles: the answers need the work, and only the grader has a shortcut to them.
    work, lock = puzzle_work(task_log, plan)
    # The work is called as work(seed, delay_s): each tuple must be unpacked into arguments.
    arg_tuples = [(seed, 0.0) for seed in range(plan.tasks)]
    map_unpacked = exercise.map_unpacked
    try:
        verdict, got, _ = measure_speedup(
            run_student=lambda: map_unpacked(work, arg_tuples, plan.workers),
            run_reference=lambda: baselines.spread(work, arg_tuples, plan.workers),
            log=task_log, plan=plan, student_pid=student.pid)
    except StudentRaised as error:
        if not error.is_a(TypeError):
            raise
        raise AssertionError(
            f"map_unpacked(work, [(0, 0.0), (1, 0.0), ...]) raised TypeError ({error.message}): "
            "the work was probably called with each tuple as one argument, work((0, 0.0)), instead of "
            "work(0, 0.0). pool.starmap unpacks each tuple into arguments; pool.map does not."
        ) from None
    check_report.record(verdict.metrics, verdict.message)
    assert verdict.passed, verdict.message
    expected = [lock.answer(seed, work.iterations) for seed, _ in arg_tuples]
    assert got == expected, mismatch(
        f"map_unpacked(work, {plan.tasks} tuples, workers={plan.workers})", got, expected,
        "Return every result, in the order of the tuples.")


@pytest.mark.check("hygiene", points=2, timeout=8)
def test_get_with_timeout_gives_up(exercise, student, check_report, task_log):
    check_report.timeout_advice["ApplyResult.get"] = NO_TIMEOUT
    check_report.timeout_advice["Pool.join"] = JOIN_STUCK
    func = StaggeredSquare(task_log.directory, {STUCK_ITEM: STUCK_S})
    call = (f"collect_with_timeout(square, {ITEMS}, workers={WORKERS}, timeout_s={TIMEOUT_S}) "
            f"with item {STUCK_ITEM} never finishing")
    collect_with_timeout = exercise.collect_with_timeout
    started = time.monotonic()
    try:
        got = collect_with_timeout(func, ITEMS, WORKERS, TIMEOUT_S)
    except StudentRaised as error:
        if not error.is_a(POOL_TIMEOUT_ERROR):
            raise
        raise AssertionError(
            f"Called {call}: multiprocessing.TimeoutError escaped. get(timeout=...) raises it "
            "when a result is not ready in time; it is not the builtin TimeoutError, so catch "
            "multiprocessing.TimeoutError and give None for that item.") from None
    took = time.monotonic() - started
    check_report.record({"seconds": round(took, 3), "timeout_s": TIMEOUT_S},
                        f"Gave up on the stuck task after {took:.2f} s and kept the other results.")
    expected = [None if x == STUCK_ITEM else x * x for x in ITEMS]
    assert got == expected, mismatch(
        call, got, expected, "Give None for the result that was not ready in time, and every "
        "other result at its place.")
    assert took < TIMEOUT_S + STOP_ALLOWANCE_S, (
        f"collect_with_timeout took {took:.1f} s to give up on a task, with timeout_s="
        f"{TIMEOUT_S}. Submit every item before waiting for any, pass the timeout to get(), "
        "and terminate the pool rather than wait for its workers.")
    assert_ran_in_workers(task_log.read(), "collect_with_timeout", student)


@pytest.mark.check("correctness", points=1, timeout=8)
def test_map_async_frees_the_caller(exercise, student, check_report, task_log, scratch):
    func = StaggeredSquare(task_log.directory, {}, BACKGROUND_TASK_S)
    # Its log folder is made by the student's process, which must be able to write in it.
    meanwhile = WaitsForATask(func.log_dir, scratch / "own", PATIENCE_S)
    got, own = exercise.map_in_background(func, ITEMS, WORKERS, meanwhile)
    expected = [x * x for x in ITEMS]
    assert got == expected, mismatch(
        f"map_in_background(square, {ITEMS}, workers={WORKERS}, meanwhile)[0]", got, expected,
        "Return the results of every item, in order, as the first of the pair.")
    records = TaskLog(func.log_dir).read()
    assert_ran_in_workers(records, "map_in_background", student)
    calls = TaskLog(meanwhile.log_dir).read()
    assert len(calls) == 1, f"meanwhile() was called {len(calls)} times; call it exactly once."
    (own_work,) = calls
    assert own == own_work.item, mismatch(
        f"map_in_background(square, {ITEMS}, workers={WORKERS}, meanwhile)[1]", own,
        own_work.item, "Return what meanwhile() returned as the second of the pair.")
    assert own_work.pid == student.pid, (
        "meanwhile() ran in another process. It is the caller's own work: call it directly "
        "in map_in_background, while the pool works.")
    first_start = min(record.start for record in records)
    last_end = max(record.end for record in records)
    check_report.record({"meanwhile_started_s": round(own_work.start - first_start, 3),
                         "tasks_span_s": round(last_end - first_start, 3),
                         "tasks_done_when_meanwhile_began": own_work.item},
                        "meanwhile() ran in the caller while the workers computed.")
    assert own_work.start < last_end, (
        f"meanwhile() began only after all {len(records)} tasks had ended: the caller sat "
        "waiting while the workers computed. pool.map waits for every result; "
        "pool.map_async returns at once, so call meanwhile() before you get() the results.")
    assert own_work.item > 0, (
        f"No task finished during the {PATIENCE_S:g} s meanwhile() waited: the tasks had not "
        "been handed to the pool yet. Start them with map_async first, then call meanwhile().")
