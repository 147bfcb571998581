"""Whether the threads of one process really ran CPU work at the same time, as a free-threaded
build lets them, or as subinterpreters do, each in a thread with a GIL of its own: the speedup
check of workers inside one process, beside speedup.py's for processes.

The tasks' records say which thread of which process ran each task, and when; they are written
by the student's process, so they can only fail a run. What passes it is what that process
cannot write: the CPU time the kernel charged to it while the call ran, set against the grader's
own clock (several CPUs busy at once show as more CPU seconds than wall seconds), the answers,
which need the work, and the time beside the kit's own threaded run of the same tasks, made in
the grader's process on the same interpreter at the same moment.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

from grader.measuring.kernel_cpu import TreeCpuSampler
from grader.measuring.speedup import (KERNEL_WORK_SHARE, RELATIVE_TO_REFERENCE, ROUNDS,
                                      SpeedupPlan, SpeedupVerdict, max_concurrency)
from student_runtime.workloads.tasks import TaskLog

# CPUs busy at once, as the kernel's CPU time over the clock shows them: threads that take turns
# on one GIL keep one busy; two threads in parallel, nearly two. On a busy machine the kit's own
# threads keep fewer busy too: the student's must keep this share of what the kit's did, up to
# PARALLEL_CPUS (threads under one GIL kept 0.5 of the kit's on an idle machine, 0.67 with every
# CPU busy).
PARALLEL_CPUS = 1.3
SHARE_OF_KIT_CPUS = 0.8
# When the kit's own threaded run reaches less than this, the machine gives no gain to anyone:
# time is not judged.
NO_GAIN = 1.1


@dataclass(frozen=True)
class InProcessWorkers:
    """What runs the work inside the process, as the messages name it, and the executor that
    the kit's own run uses."""

    name: str
    executor: type


THREADS = InProcessWorkers("threads", ThreadPoolExecutor)


def threaded_run(func, items: list, workers: int, executor=ThreadPoolExecutor) -> None:
    """The kit's own run: func(item) for every item on `workers` workers of this process."""
    with executor(max_workers=workers) as running:
        for _ in running.map(func, items):
            pass


def _timed(run: Callable[[], object], pid: int) -> tuple[float, float, object]:
    """run()'s wall time by this process's clock, the CPU the kernel charged to process pid
    meanwhile, and what run() returned."""
    sampler = TreeCpuSampler(pid).start()
    started = time.monotonic()
    try:
        result = run()
    finally:
        wall = time.monotonic() - started
        charged = sampler.stop()
    return wall, charged.root_cpu_s, result


def structural_problem(records, student_pid: int, plan: SpeedupPlan, kernel_cpu_s: float,
                       work_cpu_s: float, kind: InProcessWorkers = THREADS) -> str | None:
    """What the records and the kernel show for good was not `kind` computing at once, or None."""
    tool = f"{kind.executor.__name__}(max_workers=workers)"
    if not records:
        return "None of the tasks ran, so nothing could be timed. Call the function on every item."
    elsewhere = {record.pid for record in records if record.pid != student_pid}
    if elsewhere:
        return (f"The tasks ran in {len(elsewhere)} other process(es): this topic is about "
                f"{kind.name}, which run in parallel inside one process. Use {tool}.")
    threads = len({record.thread for record in records})
    if threads < 2:
        return (f"All {len(records)} tasks ran on one thread, one after another. Hand them to "
                f"{plan.workers} {kind.name}: {tool}.")
    if max_concurrency(records) < 2:
        return (f"The tasks ran on {threads} {kind.name}, but never two at once: each finished "
                "before the next began. Submit every task before you wait for any result.")
    if kernel_cpu_s < KERNEL_WORK_SHARE * work_cpu_s:
        return (f"The tasks needed about {work_cpu_s:.2f} s of CPU, but the operating system "
                f"charged only {kernel_cpu_s:.2f} s to your process while they ran: the work "
                f"did not run there. Let your {kind.name} call func on the items.")
    return None


def turns_problem(busy: float, kit_cpus: float, plan: SpeedupPlan,
                  kind: InProcessWorkers = THREADS) -> str | None:
    """Whether the workers took turns on one CPU, as threads under one GIL do: they kept fewer
    CPUs busy at once than the kit's own run at the same moment (a reading, so measured again
    when it falls short), or None."""
    needed = min(PARALLEL_CPUS, SHARE_OF_KIT_CPUS * kit_cpus)
    if not plan.timing_possible or busy >= needed:
        return None
    return (f"Your {kind.name} kept {busy:.1f} CPUs busy at once, by the operating system's "
            f"count, where the kit's own kept {kit_cpus:.1f} busy beside them: they took turns, "
            "as threads do under one GIL. Each subinterpreter has a GIL of its own, and a "
            "free-threaded build none, unless something turned it back on (PYTHON_GIL=1, or an "
            "extension module built for the GIL).")


def measure_thread_speedup(run_student: Callable[[], object], reference_func, items: list,
                           log: TaskLog, plan: SpeedupPlan, student_pid: int,
                           work_cpu_s: float, kind: InProcessWorkers = THREADS
                           ) -> tuple[SpeedupVerdict, object]:
    """Run the student's version beside the kit's (reference_func over items on plan.workers
    of `kind` here), up to ROUNDS times while its time falls short; return the verdict and
    what the student's run returned."""
    verdict, result = None, None
    for round_number in range(1, ROUNDS + 1):
        kit_wall, kit_cpu, _ = _timed(
            lambda: threaded_run(reference_func, items, plan.workers, kind.executor), os.getpid())
        kit_cpus = kit_cpu / kit_wall if kit_wall > 0 else 0.0
        log.clear()
        wall, kernel_cpu, result = _timed(run_student, student_pid)
        records = log.read()
        problem = structural_problem(records, student_pid, plan, kernel_cpu, work_cpu_s, kind)
        busy = kernel_cpu / wall if wall > 0 else 0.0
        speedup = work_cpu_s / wall if wall > 0 else 0.0
        kit_speedup = work_cpu_s / kit_wall if kit_wall > 0 else 0.0
        threshold = round(min(plan.ideal_threshold, RELATIVE_TO_REFERENCE * kit_speedup), 2)
        metrics = {"speedup": round(speedup, 3), "reference_speedup": round(kit_speedup, 3),
                   "threshold": threshold, "wall_s": round(wall, 3),
                   "work_cpu_s": round(work_cpu_s, 3), "kernel_cpu_s": round(kernel_cpu, 3),
                   "cpus_busy_at_once": round(busy, 2),
                   "kit_cpus_busy_at_once": round(kit_cpus, 2), "workers": plan.workers,
                   "usable_cpus": plan.usable_cpus, "rounds": round_number,
                   "threads": len({record.thread for record in records})}
        if problem:
            return SpeedupVerdict(False, problem, metrics, structural=True), result
        took_turns = turns_problem(busy, kit_cpus, plan, kind)
        if took_turns:
            verdict = SpeedupVerdict(False, took_turns, metrics)
            continue
        if not plan.timing_possible or kit_speedup < NO_GAIN:
            why = ("one usable CPU" if not plan.timing_possible
                   else f"the kit's own {kind.name} reached only {kit_speedup:.2f}x here")
            metrics.update(timing_judged=False)
            return SpeedupVerdict(True, f"The {kind.name} ran at the same time; time was not "
                                        f"judged ({why}).", metrics, timing_judged=False), result
        summary = (f"{work_cpu_s:.2f} s of work in {wall:.2f} s by the clock on {plan.workers} "
                   f"{kind.name}: {speedup:.2f}x, with {busy:.1f} CPUs busy at once; needs "
                   f"{threshold:.2f}x (the kit's own {kind.name} reached {kit_speedup:.2f}x "
                   "beside yours).")
        verdict = SpeedupVerdict(speedup >= threshold, summary, metrics)
        if verdict.passed:
            return verdict, result
    if turns_problem(verdict.metrics["cpus_busy_at_once"],
                     verdict.metrics["kit_cpus_busy_at_once"], plan, kind):
        return verdict, result
    message = (f"Your {kind.name} ran at the same time but too slowly: {verdict.message} Give "
               "every one an equal share, and keep locks out of the work itself.")
    return SpeedupVerdict(False, message, verdict.metrics), result
