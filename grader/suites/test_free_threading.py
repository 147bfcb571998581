"""Checks for free_threading (track: modern; a free-threaded build of Python, PEP 703 and 779).

Threads of the student's process: the tasks' records say which thread ran what, and can only
fail a check; the kernel's accounting of the process's CPU against the grader's clock shows
whether threads computed at once (measuring/thread_speedup.py), and its count of the process's
threads whether they were ended. The race check's dict holds its read window open
(PausingDict), so that unlocked updates are lost on every run; the counts must match what the
grader computed itself, and each count needs its task's work (a time-lock puzzle).
"""

from collections import Counter

import psutil
import pytest

from grader import waits
from grader.measuring.puzzles import squarings_for, time_lock
from grader.measuring.speedup import WORK_CPU_S
from grader.measuring.thread_speedup import measure_thread_speedup
from grader.reporting.feedback import mismatch
from grader.suites.shared_checks import (assert_in_order_on_threads_of_the_caller,
                                         threads_once_ended)
from student_runtime.instruments.threads_left import executor_threads
from student_runtime.workloads.tasks import TaskLog, TimedWork, square
from student_runtime.workloads.thread_counts import Bucketed, PausingDict

WORKERS = 2
# The race: this many tasks of about 1 ms each on 4 threads, their answers counted in 8 buckets.
RACE_TASKS = 400
RACE_TASK_CPU_S = 0.001
RACE_THREADS = 4
BUCKETS = 8
# A count already in the dict before the call, under a key func never gives: it must be kept.
COUNTS_BEFORE = {"earlier": 7}


def threads_of(records) -> int:
    return len({record.thread for record in records})


@pytest.mark.check("correctness", points=2, timeout=8)
def test_results_in_order(exercise, student, task_log):
    assert_in_order_on_threads_of_the_caller(
        lambda func, items: exercise.threaded_map(func, items, WORKERS),
        f"threaded_map({{}}, workers={WORKERS})", student.pid, task_log,
        "this topic is about threads, which share your process's memory. Use a "
        "ThreadPoolExecutor.",
        ". Hand them to `workers` threads: ThreadPoolExecutor(max_workers=workers).")


@pytest.mark.check("speedup", points=4, timeout=15)
def test_threads_speed_up_cpu_work(exercise, student, check_report, speedup_plan, task_log):
    plan = speedup_plan
    lock = time_lock()
    work = TimedWork(task_log.directory, squarings_for(WORK_CPU_S / plan.tasks, lock.modulus),
                     lock.modulus)
    seeds = list(range(plan.tasks))
    threaded_map = exercise.threaded_map
    verdict, got = measure_thread_speedup(
        run_student=lambda: threaded_map(work, seeds, plan.workers), reference_func=work,
        items=seeds, log=task_log, plan=plan, student_pid=student.pid, work_cpu_s=WORK_CPU_S)
    check_report.record(verdict.metrics, verdict.message)
    assert verdict.passed, verdict.message
    expected = [lock.answer(seed, work.iterations) for seed in seeds]
    assert got == expected, mismatch(f"threaded_map(work, {plan.tasks} tasks, "
                                     f"workers={plan.workers})", got, expected,
                                     "Return every result, in the order of the items.")


@pytest.mark.check("race", points=3, timeout=15)
def test_no_lost_updates(exercise, student, check_report, task_log):
    lock = time_lock()
    work = TimedWork(task_log.directory, squarings_for(RACE_TASK_CPU_S, lock.modulus),
                     lock.modulus)
    seeds = list(range(RACE_TASKS))
    counts = student.make(PausingDict, COUNTS_BEFORE)
    exercise.tally(Bucketed(work, BUCKETS), seeds, RACE_THREADS, counts)
    got = student.call(dict, counts)
    expected = Counter(COUNTS_BEFORE)
    expected.update(lock.answer(seed, work.iterations) % BUCKETS for seed in seeds)
    records = TaskLog(work.log_dir).read()
    counted = sum(count for key, count in got.items() if key in range(BUCKETS)
                  and isinstance(count, int))
    lost = RACE_TASKS - counted
    check_report.record({"increments": RACE_TASKS, "threads": threads_of(records),
                         "lost_updates": lost},
                        f"{RACE_TASKS} increments from {threads_of(records)} threads, none lost.")
    assert threads_of(records) >= 2, (
        f"All {len(records)} tasks ran on one thread, so no two updates could meet. Run them on "
        "`workers` threads (a ThreadPoolExecutor), as the check asks.")
    assert got.get("earlier") == COUNTS_BEFORE["earlier"], mismatch(
        f"tally(func, {RACE_TASKS} items, workers={RACE_THREADS}, counts={COUNTS_BEFORE})",
        got, dict(expected), "Add one to counts[func(item)] for every item, starting from the "
        "counts already there: update the dict you were given, never replace or clear it.")
    assert lost <= 0, (
        f"{lost} of {RACE_TASKS} increments were lost: two threads read the same old count and "
        "both wrote old + 1. With the GIL that needed a thread switch between the read and the "
        "write, and was rare; without it, threads run both steps at the same moment. Hold one "
        "threading.Lock around the read and the write (not around func(item), which would "
        "make the threads take turns).")
    assert got == dict(expected), mismatch(
        f"tally(func, {RACE_TASKS} items, workers={RACE_THREADS}, counts={COUNTS_BEFORE})",
        got, dict(expected),
        "Add one to counts[func(item)] for every item, starting from the counts already there.")


@pytest.mark.check("hygiene", points=1, timeout=8)
def test_threads_are_ended(exercise, student, check_report):
    before = psutil.Process(student.pid).num_threads()
    items = list(range(100))
    got = exercise.threaded_map(square, items, WORKERS)
    assert got == [square(x) for x in items], mismatch(
        f"threaded_map(square, range(100), workers={WORKERS})", got, [square(x) for x in items],
        "Return every result, in the order of the items.")
    after = threads_once_ended(student.pid, before, waits.ENDING_S)
    # The kernel's count passes; the names the student's process gives can only fail (an
    # executor kept from an earlier call has its threads in both counts).
    kept = student.call(executor_threads)
    check_report.record({"threads_before": before, "threads_after": after,
                         "executor_threads_after": len(kept)},
                        "Every thread the call started had ended when it returned.")
    assert after <= before and not kept, (
        f"{max(after - before, len(kept))} thread(s) of a ThreadPoolExecutor still waited for "
        "work after threaded_map returned. Open the executor in a `with` block (or call "
        "shutdown()) inside the function, which ends its threads.")
