"""Check bodies that several suites share, so that the same lesson is judged the same way.

Each one asserts, like a check does, and records its figures through the check's report.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from typing import Callable

import psutil

from grader.reporting.feedback import mismatch
from grader.measuring.speedup import WORK_CPU_S, SpeedupPlan, measure_speedup
from grader.measuring.puzzles import TimeLock, squarings_for, time_lock
from student_runtime.workloads.items import StaggeredSquare
from student_runtime.workloads.tasks import TaskLog, TimedWork, square

ORDERED_RESULTS = "Return every result, in the order of the items."


def assert_not_in_calling_process(records, call: str, advice: str,
                                  student_pid: int | None = None) -> set[int]:
    """The pids that ran these task records; fails, with advice, when the student's own process
    (the one the grader calls into) ran any.

    records come from a TaskLog; an empty list passes here (a check that needs work to have run
    says so itself).
    """
    pids = {record.pid for record in records}
    assert (student_pid or os.getpid()) not in pids, (
        f"Called {call}: the tasks ran inside the calling process itself, not in worker "
        f"processes. {advice}")
    return pids


def puzzle_work(task_log: TaskLog, plan: SpeedupPlan,
                cpu_s: float = WORK_CPU_S) -> tuple[TimedWork, TimeLock]:
    """CPU work for a speedup check: cpu_s of CPU split into plan.tasks time-lock puzzles, each
    logging its run in task_log, and the lock whose factors give the grader the answers
    (`lock.answer(seed, work.iterations)`) without the work."""
    lock = time_lock()
    return TimedWork(task_log.directory, squarings_for(cpu_s / plan.tasks, lock.modulus),
                     lock.modulus), lock


def assert_parallel_map_speeds_up(student_map: Callable, reference_map: Callable, name: str,
                                  plan: SpeedupPlan, task_log: TaskLog, check_report,
                                  advice: str = ORDERED_RESULTS, student=None) -> None:
    """Judge `student_map(func, items, workers)` on CPU work beside `reference_map`.

    The work is WORK_CPU_S of CPU split into plan.tasks TimedWork tasks, each a time-lock
    puzzle whose answer needs its work; the structure decides first (the kernel's accounting
    has the last word on it), then the time beside the kit's run; last, the answers must be
    right and in order.
    """
    work, lock = puzzle_work(task_log, plan)
    seeds = list(range(plan.tasks))
    verdict, got, _ = measure_speedup(
        run_student=lambda: student_map(work, seeds, plan.workers),
        run_reference=lambda: reference_map(work, seeds, plan.workers),
        log=task_log, plan=plan, student_pid=student.pid if student else None)
    check_report.record(verdict.metrics, verdict.message)
    assert verdict.passed, verdict.message
    # The answers need the work: only the grader, which knows the modulus's factors, has a
    # shortcut to them.
    expected = [lock.answer(seed, work.iterations) for seed in seeds]
    assert got == expected, mismatch(
        f"{name}(work, {plan.tasks} tasks, workers={plan.workers})", got, expected, advice)


def assert_results_come_as_they_finish(results_of: Callable, call: str, task_log: TaskLog,
                                       check_report, student_pid: int, advice: dict[str, str],
                                       slow_s: float, quick_s: float = 0.02,
                                       tolerance_s: float = 0.05) -> None:
    """Judge a call that yields results as their tasks finish: `results_of(func, items)` makes
    the student's call on six squares, of which item 0 takes slow_s and finishes last.

    Every result must come once, from worker processes, in the order the tasks finished (within
    tolerance_s). advice holds the words of each failure: "none_ran", "in_workers" and "order".
    """
    items = [0, 1, 2, 3, 4, 5]
    func = StaggeredSquare(task_log.directory, {0: slow_s}, quick_s)
    got = list(results_of(func, items))
    expected = [x * x for x in items]
    assert Counter(got) == Counter(expected), mismatch(
        f"{call}(square, {items})", got, expected,
        "Every item's result must come exactly once, in whatever order the tasks finish.")
    records = TaskLog(func.log_dir).read(order="end")
    assert records, f"{call}: no task ran at all. {advice['none_ran']}"
    assert_not_in_calling_process(records, call, advice["in_workers"], student_pid)
    assert_in_completion_order(got, items, records, check_report, tolerance_s, advice["order"])


def assert_in_completion_order(got: list, items: list, records, check_report,
                               tolerance_s: float, advice: str) -> None:
    """Judge squares of items `got` in the order they came, against the tasks' records read in
    the order they ended: no result may come after one whose task ended more than tolerance_s
    later. `advice` ends the message of a result that waited behind a slow one."""
    end_of = {record.item: record.end for record in records}
    order = [x for value in got for x in items if x * x == value]
    # The pair that came furthest out of completion order: an earlier result that finished
    # later than one given after it.
    held_back, early, late = max((end_of[a] - end_of[b], a, b) for i, a in enumerate(order)
                                 for b in order[i + 1:])
    finished = [record.item for record in records]
    check_report.record({"completion_order": finished, "yielded_order": order,
                         "held_back_s": round(max(held_back, 0.0), 3),
                         "tolerance_s": tolerance_s},
                        f"Results came in the order the tasks finished: {order}.")
    assert held_back <= tolerance_s, (
        f"The result for item {late} was ready {held_back:.2f} s before the one for item "
        f"{early}, yet came after it (the tasks finished in the order {finished}, the results "
        f"came as {order}): a fast result waited behind a slow one. {advice}")


def threads_once_ended(pid: int, before: int, wait_s: float) -> int:
    """How many threads process pid runs, by the kernel's count, once those above `before` have
    had up to wait_s to end."""
    process = psutil.Process(pid)
    deadline = time.monotonic() + wait_s
    while process.num_threads() > before and time.monotonic() < deadline:
        time.sleep(0.02)
    return process.num_threads()


def assert_block_sums(got, values, blocks: int, call: str) -> None:
    """Judge the sums of `blocks` equal blocks of values (the last one ends at len(values)), in
    block order, as block_results of the joblib and Dask topics returns them."""
    size = len(values) // blocks
    bounds = [(i * size, (i + 1) * size if i < blocks - 1 else len(values)) for i in range(blocks)]
    expected = [float(values[start:stop].sum()) for start, stop in bounds]
    close = (isinstance(got, list) and len(got) == blocks
             and all(isinstance(g, float) and math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-9)
                     for g, e in zip(got, expected)))
    assert close, mismatch(call, got, expected,
                           "Cut the array into `blocks` equal blocks (the last one ends at "
                           "len(values)) and return func's results in block order.")


def assert_in_order_on_threads_of_the_caller(student_map: Callable, call: str, student_pid: int,
                                             task_log: TaskLog, in_other_processes: str,
                                             on_one_thread: str) -> None:
    """Judge `student_map(func, items)` for workers that live inside the calling process (threads,
    interpreters): results in order though item 0 finishes last, tasks on two threads or more of
    the student's own process, and [] for no items. `call` shows the call, with {} for its
    arguments; the two advices end the failures of where the tasks ran."""
    func = StaggeredSquare(task_log.directory, {0: 0.1}, 0.0)
    items = list(range(20))
    got = student_map(func, items)
    expected = [x * x for x in items]
    assert got == expected, mismatch(
        call.format("square, range(20)"), got, expected,
        "Return the results in the order of the items (item 0 here finishes last): the "
        "executor's map() keeps that order.")
    records = TaskLog(func.log_dir).read()
    assert {record.pid for record in records} <= {student_pid}, (
        f"The tasks ran in other processes: {in_other_processes}")
    assert len({record.thread for record in records}) >= 2, (
        f"All {len(records)} tasks ran on one thread{on_one_thread}")
    got = student_map(square, [])
    assert got == [], mismatch(call.format("square, []"), got, [],
                               "No items give an empty list of results.")
