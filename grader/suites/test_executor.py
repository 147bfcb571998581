"""Checks for executor (lesson: ProcessPoolExecutor, the modern pool interface).

The student's code runs in a process of its own: the grader checks its answers, times its calls
with its own clock, lists the processes it left running with the operating system's help, and
reads, from task records, which process ran each task and when it ended.
"""

import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from grader.call_errors import StudentException, StudentRaised
from grader.measuring import baselines
from grader import system, waits
from grader.reporting.feedback import mismatch, shown
from grader.suites.shared_checks import (assert_not_in_calling_process,
                                            assert_parallel_map_speeds_up)
from grader.reporting.verdicts import ANY_CALL
from student_runtime.workloads.items import SquareUnlessRejected, StaggeredSquare, square_or_crash
from student_runtime.workloads.tasks import TaskLog, nap

# Two tasks whose completion order differs by less than this may arrive either way round.
SAME_MOMENT_S = 0.04
STUCK_TASK_S = 30.0
TIMEOUT_S = 0.2
# A timed-out call must return soon after its timeout; stopping a worker takes milliseconds.
RETURN_ALLOWANCE_S = 3.0
WAITED_FOR_STUCK_TASK = (
    "result_or_none was still waiting for a task that runs for 30 s. future.result(timeout=...) "
    "gives up on waiting, but the task runs on, and shutdown() (which leaving a `with` block "
    "calls) waits for running tasks to end. Stop the worker instead: see the module docstring "
    "for terminate_workers() and what to do before Python 3.14."
)
POOL_WAITS_FOREVER = (
    "A task killed the worker process running it. A multiprocessing.Pool never notices a worker "
    "that died in the middle of a task and waits for its result forever; a ProcessPoolExecutor "
    "notices, and every unfinished future raises BrokenProcessPool. Use a ProcessPoolExecutor "
    "and catch BrokenProcessPool around each future's result()."
)


def student_processes(student) -> list:
    """The processes the student's code started that still run, as the operating system lists
    them (multiprocessing's forkserver and resource tracker left out)."""
    return system.student_leftovers(student.pid, student.config.run_as) if student.pid else []


THREADS_ADVICE = ("Submit them to a ProcessPoolExecutor (a ThreadPoolExecutor runs them on threads "
                  "of your own process, which take turns on the GIL).")


def assert_ran_in_workers(log: TaskLog, call: str, student) -> set[int]:
    pids = assert_not_in_calling_process(log.read(), call, THREADS_ADVICE, student.pid)
    assert pids, f"Called {call}: no task ran at all. Submit each item to the executor."
    return pids


@pytest.mark.check("correctness", points=2, timeout=8)
def test_results_in_completion_order(exercise, student, check_report, task_log):
    items = [0, 1, 2, 3]
    log = task_log
    # The later the item, the shorter its pause: the last one submitted finishes first.
    func = StaggeredSquare(log.directory, pauses={0: 0.18, 1: 0.12, 2: 0.06, 3: 0.0})
    call = f"results_as_completed(square_after_a_pause, {items}, workers=4)"
    got = exercise.results_as_completed(func, items, 4)
    expected = [(x, x * x) for x in items]
    assert isinstance(got, list) and sorted(got) == expected, (
        f"Called {call}: got {shown(got)}, expected the pairs {expected} in the order their "
        "tasks finish. Return one (item, func(item)) pair for every item.")
    assert_ran_in_workers(log, call, student)
    ended = {record.item: record.end for record in log.read()}
    finished = sorted(items, key=ended.get)
    returned = [item for item, _ in got]
    check_report.record({"finish_order": finished, "returned_order": returned},
                        f"Pairs came back in the order the tasks finished: {finished}.")
    # The pair returned furthest out of the order in which the tasks ended.
    late = max(((a, b) for i, a in enumerate(returned) for b in returned[i + 1:]),
               key=lambda pair: ended[pair[0]] - ended[pair[1]], default=None)
    assert late is None or ended[late[0]] <= ended[late[1]] + SAME_MOMENT_S, (
        f"Called {call}: the pairs came back in the order {returned}, but the tasks finished in "
        f"the order {finished} (item {late[0]}'s task ended {ended[late[0]] - ended[late[1]]:.2f} s "
        f"after item {late[1]}'s). Take the futures from as_completed(), which yields each one "
        "as it finishes, not in the order you submitted them.")


@pytest.mark.check("speedup", points=3, timeout=15)
def test_speedup(exercise, student, check_report, speedup_plan, task_log):
    assert_parallel_map_speeds_up(
        exercise.executor_map, baselines.spread_items, "executor_map", speedup_plan, task_log,
        check_report, "Return every result, in the order of the items: executor.map keeps that "
        "order.", student=student)


@pytest.mark.check("correctness", points=2, timeout=8)
def test_errors_reach_the_caller(exercise, student, check_report, task_log):
    items = list(range(9))
    log = task_log
    func = SquareUnlessRejected(log.directory)
    call = f"errors_by_item(func, {items}, workers=2)"
    got = exercise.errors_by_item(func, items, 2)
    assert isinstance(got, tuple) and len(got) == 2, mismatch(
        call, got, "a pair (results, errors)", "Return two dicts: results and errors.")
    results, errors = got
    expected_results = {x: x * x for x in items if x % 3 == 0}
    assert results == expected_results, mismatch(
        call + "[0]", results, expected_results,
        "results holds the items whose task returned, each with its result, and nothing else.")
    raising = [x for x in items if x % 3]
    missing = [x for x in raising if x not in errors]
    assert not missing, (
        f"Called {call}: the tasks for items {missing} raised in their workers, but their "
        f"exceptions are not in errors (its keys: {sorted(errors)}). future.result() raises the "
        "task's exception in your process: catch it there and store it under its item.")
    for x in raising:
        try:
            func.outcome(x)
        except Exception as expected:  # noqa: BLE001 - the very exception the task raised
            error = errors[x]
            kind = type(expected)
            # Exceptions come back from the student's process described: class names, message.
            assert isinstance(error, StudentException), (
                f"Called {call}: errors[{x}] is the {type(error).__name__} {error!r}, not the "
                f"exception itself, so the caller cannot tell it was a {kind.__name__}. Store the "
                "exception object that future.result() raised, type and all.")
            same_type = error.types[0] == f"{kind.__module__}.{kind.__qualname__}"
            assert same_type and error.message == str(expected), mismatch(
                f"{call}[1][{x}]", error, expected,
                "Keep the exception exactly as future.result() raised it: its type and message "
                "come across from the worker.")
    assert_ran_in_workers(log, call, student)
    check_report.record({"results": len(results), "errors": len(errors),
                         "error_types": sorted({e.type_name if isinstance(e, StudentException)
                                                else type(e).__name__ for e in errors.values()})},
                        f"{len(errors)} exceptions came back from the workers with their types, "
                        f"beside {len(results)} results.")


@pytest.mark.check("correctness", points=1, timeout=8)
def test_cancel_what_has_not_started(exercise, student, check_report, task_log):
    items = list(range(24))
    log = task_log
    # Item 1 is quick and every other item slow: item 1 should come back first. By then up to
    # 2 * workers + 1 tasks are running or handed to the workers already, and cannot be cancelled.
    func = StaggeredSquare(log.directory, pauses={1: 0.0}, default_pause_s=0.1)
    call = f"first_to_finish(func, range({len(items)}), workers=2)"
    got = exercise.first_to_finish(func, items, 2)
    assert isinstance(got, tuple) and len(got) == 3, mismatch(
        call, got, "a triple (item, result, cancelled)", "Return the item, its result, and the count.")
    item, result, cancelled = got
    assert item in items and result == item * item, mismatch(
        call, (item, result), (item, item * item) if item in items else "an item and its square",
        "Return the item of the first future to finish, with that future's result().")
    # Tasks still running when the function returned may take a moment to log their end.
    deadline = time.monotonic() + waits.STOPPING_S
    while len(log.read()) + cancelled < len(items) and time.monotonic() < deadline:
        time.sleep(0.02)
    records = log.read(order="end")
    assert_ran_in_workers(log, call, student)
    ran = sorted(record.item for record in records)
    check_report.record({"tasks": len(items), "ran": len(ran), "cancelled": cancelled},
                        f"{len(ran)} of {len(items)} tasks ran; {cancelled} were cancelled.")
    ended = {record.item: record.end for record in records}
    assert ended.get(item, float("inf")) <= records[0].end + SAME_MOMENT_S, (
        f"Called {call}: it returned item {item}, but the task for item {records[0].item} "
        "finished first. Take the first future that as_completed() yields.")
    assert len(ran) <= len(items) // 2, (
        f"Called {call}: {len(ran)} of the {len(items)} tasks ran anyway, though only the first "
        f"result was wanted, and {cancelled} were cancelled. Cancel the futures that have not "
        "started as soon as the first result is in (future.cancel(), or "
        "executor.shutdown(cancel_futures=True)), before waiting for anything else.")
    assert cancelled == len(items) - len(ran), mismatch(
        f"{call}[2]", cancelled, len(items) - len(ran),
        f"{len(ran)} tasks ran, so {len(items) - len(ran)} never did: count the futures whose "
        "cancel() returned True (or that report cancelled()).")


@pytest.mark.check("hygiene", points=1, timeout=8)
def test_timeout_stops_the_worker(exercise, student, check_report):
    check_report.timeout_advice[ANY_CALL] = WAITED_FOR_STUCK_TASK
    result_or_none = exercise.result_or_none
    before = {proc.pid for proc in student_processes(student)}
    started = time.monotonic()
    got = result_or_none(nap, STUCK_TASK_S, TIMEOUT_S)
    took = time.monotonic() - started
    call = f"result_or_none(sleep_and_return, {STUCK_TASK_S:g}, timeout_s={TIMEOUT_S})"
    assert got is None, mismatch(call, got, None,
                                 "When the result does not come within timeout_s, return None.")
    assert took < TIMEOUT_S + RETURN_ALLOWANCE_S, (
        f"Called {call}: it took {took:.1f} s to give up. Pass the timeout to "
        "future.result(timeout=...) and stop the worker right after.")
    deadline = time.monotonic() + waits.STOPPING_S
    running = [1]
    while running and time.monotonic() < deadline:
        # A forkserver or resource tracker the call started is meant to outlive it (the
        # operating system's list of the student's processes leaves them out).
        running = [proc.pid for proc in student_processes(student) if proc.pid not in before]
        time.sleep(0.02)
    check_report.record({"seconds_to_give_up": round(took, 3), "left_running": len(running)},
                        f"Gave up on a stuck task after {took:.2f} s and stopped its worker.")
    assert not running, (
        f"Called {call}: it returned None after {took:.2f} s, but {len(running)} worker "
        f"process(es) (pid {', '.join(map(str, running))}) still ran the stuck task "
        f"{waits.STOPPING_S:g} s later. cancel() and shutdown() never stop a task that has started: "
        "stop the worker itself (terminate_workers() from Python 3.14; before that, terminate() "
        "the processes in executor._processes, as the module docstring shows).")
    got = result_or_none(nap, 0.01, 10.0)
    assert got == 0.01, mismatch("result_or_none(sleep_and_return, 0.01, timeout_s=10.0)", got,
                                 0.01, "A task that finishes in time: return its result.")


@pytest.mark.check("hygiene", points=1, timeout=8)
def test_broken_pool_is_reported(exercise, check_report):
    check_report.timeout_advice[ANY_CALL] = POOL_WAITS_FOREVER
    items = [1, 2, 3, -4, 5, 6, 7, 8]
    call = f"run_surviving_a_crash(square_or_crash, {items}, workers=2)"
    try:
        got = exercise.run_surviving_a_crash(square_or_crash, items, 2)
    except StudentRaised as error:
        if not error.is_a(BrokenProcessPool):
            raise
        raise AssertionError(
            f"Called {call}: the task for -4 killed its worker, and BrokenProcessPool "
            f"({error.message}) came out of your function. Catch it around each future's "
            "result() and put that item in `lost`.") from None
    assert isinstance(got, tuple) and len(got) == 2, mismatch(
        call, got, "a pair (results, lost)", "Return a dict of results and a sorted list.")
    results, lost = got
    assert isinstance(lost, list) and -4 in lost, mismatch(
        call + "[1]", lost, "a list that holds -4",
        "The future of the task that killed its worker raises BrokenProcessPool: list its item.")
    assert lost == sorted(lost), mismatch(call + "[1]", lost, sorted(lost), "Sort the lost items.")
    accounted = set(results) | set(lost)
    assert accounted == set(items) and not set(results) & set(lost), (
        f"Called {call}: results has {sorted(results)} and lost has {lost}; every item must be in "
        "exactly one of them. Once a worker dies, every unfinished future raises "
        "BrokenProcessPool.")
    wrong = {x: results[x] for x in results if results[x] != x * x}
    assert not wrong, mismatch(call + "[0]", wrong, {x: x * x for x in wrong},
                               "Store each finished task's own result under its item.")
    check_report.record({"finished": len(results), "lost": len(lost)},
                        f"A worker died; {len(results)} results were kept and {len(lost)} tasks "
                        "reported lost, without a hang.")
