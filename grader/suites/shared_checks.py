"""Check bodies that several suites share, so that the same lesson is judged the same way.

Each one asserts, like a check does, and records its figures through the check's report.
"""

from __future__ import annotations

import os
from typing import Callable

from grader.reporting.feedback import mismatch
from grader.measuring.speedup import WORK_CPU_S, SpeedupPlan, measure_speedup
from grader.measuring.puzzles import TimeLock, squarings_for, time_lock
from student_runtime.workloads.tasks import TaskLog, TimedWork

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
