"""Deciding whether parallel code is really parallel and fast enough, on a noisy machine.

A stopwatch alone is easy to fool in both directions: a busy machine makes correct code look
slow, and a lucky run makes serial code look fast. So a verdict rests first on evidence recorded
inside the tasks (which processes ran them, whether they overlapped, how much CPU they got), and
only then on time. For time, the student's run is set beside a correct parallel run of the kit's
own, with the same tasks, workers and start method, made at the same moment: process start-up,
the machine's speed and its noise weigh on both alike. The serial cost is not run at all: it is
the CPU time the tasks recorded, which is what running them one after another would take.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import asdict, dataclass, replace
from typing import Callable

from grader.measuring.kernel_cpu import TreeCpuSampler

from student_runtime.workloads.tasks import TaskLog, TaskRecord

# The student's speedup must reach this fraction of the speedup the kit's own parallel run
# reached at the same moment (never more than IDEAL_EFFICIENCY of the ideal gain allows).
RELATIVE_TO_REFERENCE = 0.8
IDEAL_EFFICIENCY = 0.4
# Below this, the threshold would not tell parallel from serial: the machine was too busy (or
# too slow to start processes) for even the kit's own run to show a gain, so time is not judged.
MIN_JUDGED_THRESHOLD = 1.0
ROUNDS = 3
# CPU seconds of work in one speedup check, shared among its tasks. Sized by CPU time, not by a
# stopwatch, so that the work does not shrink on a loaded machine.
WORK_CPU_S = 1.0
# Threads whose CPU time adds up to more than this many CPUs at once really ran in parallel
# (a free-threaded build, or subinterpreters), rather than taking turns on one GIL.
PARALLEL_THREADS_CPUS = 1.3
MIN_WORKERS = 2
# A worker process did a real share of the work when the kernel charged it at least this
# fraction of an even share; the work's processes must be charged at least KERNEL_WORK_SHARE
# of the work's CPU, whatever the tasks' records say.
KERNEL_SHARE_OF_FAIR = 0.25
KERNEL_WORK_SHARE = 0.5


@dataclass(frozen=True)
class SpeedupPlan:
    """What a speedup check asks of the student's code and what it may expect back."""

    workers: int
    tasks: int
    usable_cpus: int

    @property
    def lanes(self) -> int:
        """How many tasks can run at once: limited by workers, CPUs and the tasks themselves."""
        return max(1, min(self.workers, self.usable_cpus, self.tasks))

    @property
    def parallelism(self) -> float:
        """The best speedup the work allows: tasks over the rounds of lanes needed to run them."""
        return self.tasks / math.ceil(self.tasks / self.lanes)

    @property
    def ideal_threshold(self) -> float:
        """The most a threshold may ask: a share of the gain the ideal parallelism allows."""
        return round(1 + IDEAL_EFFICIENCY * (self.parallelism - 1), 2)

    @property
    def timing_possible(self) -> bool:
        """False on one usable CPU, where no code can run faster in parallel."""
        return self.lanes >= 2


def plan_for(usable_cpus: int, max_workers: int = 4, tasks_per_worker: int = 4) -> SpeedupPlan:
    """The plan a suite uses: one worker per usable CPU (at least 2, at most max_workers).

    Two workers even on one CPU, so that the structure can still be judged there: two processes
    still take turns on one CPU and overlap in time. More than a few workers would turn a short
    check into a test of process start-up time.
    """
    workers = max(MIN_WORKERS, min(usable_cpus, max_workers))
    return SpeedupPlan(workers=workers, tasks=workers * tasks_per_worker, usable_cpus=usable_cpus)


@dataclass(frozen=True)
class RunEvidence:
    """What one parallel run showed, from its stopwatch and from inside its tasks."""

    wall_s: float
    task_cpu_s: float
    task_cpu_share: float
    raw_speedup: float
    speedup: float
    tasks_recorded: int
    worker_pids: int
    threads: int
    max_concurrency: int
    ran_in_parent: bool
    parent_cpu_s: float
    threads_cpu_overlap: float
    # From the kernel's accounting, which the student's code cannot write: the CPU charged to
    # the processes the calling process started, and how many of them did a real share.
    kernel_workers_cpu_s: float | None = None
    kernel_busy_workers: int | None = None
    # The CPU the tasks need, which the kernel's figures are set against.
    kernel_work_cpu_s: float | None = None
    # How the kernel saw the work divided: the CPU of the busiest process the caller started,
    # and of the next busiest, as many as could run at once.
    kernel_busiest_cpu_s: float | None = None
    kernel_others_cpu_s: float | None = None

    @property
    def split_allows(self) -> float | None:
        """The most speedup the kernel's division of the work allows, whatever the machine:
        the processes' CPU over that of the busiest, who finishes last. None without one."""
        if not self.kernel_busiest_cpu_s:
            return None
        return round(1 + (self.kernel_others_cpu_s or 0.0) / self.kernel_busiest_cpu_s, 2)


def gil_enabled() -> bool:
    """False only on a free-threaded build (3.13t and later) running without the GIL."""
    return getattr(sys, "_is_gil_enabled", lambda: True)()


def max_concurrency(records: list[TaskRecord]) -> int:
    """The largest number of tasks that were running at the same moment."""
    events = sorted([(r.start, 1) for r in records] + [(r.end, -1) for r in records])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def cpu_share(records: list[TaskRecord]) -> float:
    """The mean fraction of wall time that tasks spent on a CPU (1.0 on an idle machine)."""
    shares = [min(r.cpu_s / r.wall_s, 1.0) for r in records if r.wall_s > 0]
    return sum(shares) / len(shares) if shares else 1.0


def cpu_overlap(records: list[TaskRecord]) -> float:
    """How many CPUs the tasks kept busy at once: their CPU time over the span they ran in.

    Threads that take turns on one GIL add up to about 1; threads that really run at once (no
    GIL, or one GIL per subinterpreter) add up to more.
    """
    if not records:
        return 0.0
    span = max(r.end for r in records) - min(r.start for r in records)
    return sum(r.cpu_s for r in records) / span if span > 0 else 0.0


def evidence_from(records: list[TaskRecord], wall_s: float, parent_cpu_s: float,
                  parent_pid: int) -> RunEvidence:
    """The evidence of one run from its task records and its stopwatch readings."""
    task_cpu = sum(r.cpu_s for r in records)
    raw = task_cpu / wall_s if wall_s > 0 else 0.0
    in_parent = [r for r in records if r.pid == parent_pid]
    # Threads of one process that wait for its GIL lose CPU share by the student's design, not
    # to a busy machine: their share is not corrected for.
    share = 1.0 if records and len(in_parent) == len(records) else cpu_share(records)
    return RunEvidence(
        wall_s=round(wall_s, 4),
        task_cpu_s=round(task_cpu, 4),
        task_cpu_share=round(share, 3),
        raw_speedup=round(raw, 3),
        # Tasks that got only part of a CPU (another program was busy) ran slower through no
        # fault of the student's: scale the speedup back to what a full share would give.
        speedup=round(raw / share if share > 0 else 0.0, 3),
        tasks_recorded=len(records),
        worker_pids=len({r.pid for r in records if r.pid != parent_pid}),
        threads=len({(r.pid, r.thread) for r in records}),
        max_concurrency=max_concurrency(records),
        ran_in_parent=bool(in_parent),
        parent_cpu_s=round(parent_cpu_s, 3),
        threads_cpu_overlap=round(cpu_overlap(in_parent), 2),
    )


def measure_run(run: Callable[[], object], log: TaskLog,
                parent_pid: int | None = None, work_cpu_s: float | None = None,
                workers: int = 2) -> tuple[RunEvidence, object]:
    """Run one parallel version of the tasks; return its evidence and what it returned.

    parent_pid is the process that makes the call: the student's process for the student's
    run, this one (the default) for the kit's own. The kernel's division of the work is read
    among its `workers` busiest descendants (for the kit's own run, the student's processes are
    among this one's descendants too, but idle while it runs). With work_cpu_s (the CPU the
    tasks need), the kernel's accounting of the caller's descendants is set against the
    records: tasks claimed by records but not charged by the kernel to any worker did not run
    there.
    """
    log.clear()
    sampler = TreeCpuSampler(parent_pid or os.getpid()).start()
    wall = time.monotonic()
    try:
        result = run()
    finally:
        wall = time.monotonic() - wall
        charged = sampler.stop()
    busiest, others = charged.split(workers)
    evidence = replace(evidence_from(log.read(), wall, charged.root_cpu_s, sampler.root.pid),
                       kernel_busiest_cpu_s=round(busiest, 3),
                       kernel_others_cpu_s=round(others, 3))
    if work_cpu_s is None:
        return evidence, result
    fair_share = work_cpu_s / max(1, workers)
    # What the records claim can be no more than what the kernel charged to the processes.
    claimed = min(evidence.task_cpu_s, charged.workers_cpu_s + charged.root_cpu_s)
    raw = claimed / wall if wall > 0 else 0.0
    kernel_share = min(1.0, charged.workers_cpu_s / (wall * max(1, workers))) if wall > 0 else 0.0
    share = 1.0 if evidence.worker_pids == 0 else max(evidence.task_cpu_share, kernel_share, 0.05)
    return replace(evidence, task_cpu_s=round(claimed, 4), raw_speedup=round(raw, 3),
                   speedup=round(raw / share, 3),
                   kernel_workers_cpu_s=round(charged.workers_cpu_s, 3),
                   kernel_work_cpu_s=round(work_cpu_s, 3),
                   kernel_busy_workers=charged.busy_workers(KERNEL_SHARE_OF_FAIR * fair_share)
                   ), result


def _threads_problem(evidence: RunEvidence, x: float) -> str:
    if evidence.threads_cpu_overlap >= PARALLEL_THREADS_CPUS or not gil_enabled():
        return (f"All {evidence.tasks_recorded} tasks ran inside the calling process on "
                f"{evidence.threads} threads, which kept {evidence.threads_cpu_overlap:.1f} CPUs "
                "busy at once: this interpreter lets threads run Python code in parallel (a "
                "free-threaded build, or subinterpreters such as InterpreterPoolExecutor). This "
                "topic is about processes, which run in parallel on every Python, and the same "
                "code would take turns on the GIL on a standard build. Use multiprocessing.Pool "
                "or Process.")
    return (f"All {evidence.tasks_recorded} tasks ran inside the calling process on "
            f"{evidence.threads} threads (speedup {x:.2f}x): threads take turns on the GIL, so "
            "CPU-bound work gets no faster. Use processes (multiprocessing.Pool or Process).")


def _kernel_problem(evidence: RunEvidence, plan: SpeedupPlan) -> str | None:
    """What the kernel's accounting shows the records got wrong, or None."""
    if evidence.kernel_workers_cpu_s is None or evidence.kernel_work_cpu_s is None:
        return None
    expected = evidence.kernel_work_cpu_s
    if evidence.kernel_workers_cpu_s < KERNEL_WORK_SHARE * expected:
        return (f"The tasks needed about {expected:.2f} s of CPU, but the operating system "
                f"charged only {evidence.kernel_workers_cpu_s:.2f} s to all the processes your "
                "code started: the work did not run in worker processes. Give the tasks to "
                "worker processes (a Pool, or Process objects) and let them compute.")
    if (evidence.kernel_busy_workers or 0) < 2 and plan.workers >= 2:
        return (f"The operating system charged the work's CPU to "
                f"{evidence.kernel_busy_workers} worker process, while {plan.workers} were asked "
                "for: the others sat idle. Split the work so that every worker gets a share.")
    return None


UNEVEN_SPLIT = (
    "The operating system charged {busiest:.2f} s of CPU to one worker process and {others:.2f} s "
    "to the others: a split that lets the work run at most {allows:.2f}x faster than serial on "
    "any machine (the kit's own pool, at the same moment, split it to allow {kit_allows:.2f}x). "
    "Give every worker an equal share: as many equal chunks as workers, or a small chunksize.")


def _uneven_split(student: RunEvidence, reference: RunEvidence, plan: SpeedupPlan) -> str | None:
    """What the kernel shows of a division of the work that no machine could make fast, or None.

    A busy machine can lower the kit's own run, and with it the threshold, below what a design
    that gives one worker nearly all the work reaches; the kernel's CPU split cannot be lowered
    so. It is set beside the kit's run, whose split shows what slow process start-up did to a
    pool at the same moment; a round it fails is tried again, like one the stopwatch fails.
    """
    allows, kit_allows = student.split_allows, reference.split_allows
    if allows is None or kit_allows is None:
        return None
    if allows >= min(plan.ideal_threshold, RELATIVE_TO_REFERENCE * kit_allows):
        return None
    return UNEVEN_SPLIT.format(busiest=student.kernel_busiest_cpu_s,
                               others=student.kernel_others_cpu_s, allows=allows,
                               kit_allows=kit_allows)


def structural_problem(evidence: RunEvidence, plan: SpeedupPlan) -> str | None:
    """What the recorded evidence proves was not parallel, or None. No stopwatch involved."""
    n, x = plan.tasks, evidence.raw_speedup
    if evidence.tasks_recorded == 0:
        return "None of the tasks ran, so nothing could be timed. Call the function on every item."
    if evidence.worker_pids == 0 and evidence.threads > 1:
        return _threads_problem(evidence, x)
    if evidence.worker_pids == 0:
        return (f"All {evidence.tasks_recorded} tasks ran one after another inside the calling "
                f"process itself (speedup {x:.2f}x): nothing was handed to another process. "
                "Give the tasks to worker processes.")
    if evidence.max_concurrency < 2 and evidence.worker_pids > 1:
        return (f"The tasks ran in {evidence.worker_pids} processes but never two at once: each "
                f"finished before the next began (speedup {x:.2f}x). Start every process (or "
                "submit every task) before you wait for any result.")
    if evidence.worker_pids < 2:
        return (f"All {evidence.tasks_recorded} tasks ran in a single worker process while "
                f"{plan.workers} were asked for, so the others sat idle (speedup {x:.2f}x). "
                "Split the work so that every worker gets a share.")
    if evidence.tasks_recorded < n:
        return f"Only {evidence.tasks_recorded} of the {n} tasks ran. Run every one of them."
    # The records above can only fail a run: they are written by the student's processes. What
    # passes it is the kernel's accounting.
    return _kernel_problem(evidence, plan)


@dataclass(frozen=True)
class SpeedupVerdict:
    """The outcome of a speedup check, its message and the numbers behind it."""

    passed: bool
    message: str
    metrics: dict
    # True when the evidence, not the stopwatch, decided: repeating the run cannot change it.
    structural: bool = False
    # False when time could not be judged (one usable CPU, or the kit's own run showed no gain).
    timing_judged: bool = True


def threshold_for(plan: SpeedupPlan, reference: RunEvidence) -> float:
    """The corrected speedup the student's run must reach beside this reference run."""
    return round(min(plan.ideal_threshold, RELATIVE_TO_REFERENCE * reference.speedup), 2)


def _metrics(student: RunEvidence, reference: RunEvidence | None, plan: SpeedupPlan,
             rounds: int) -> dict:
    metrics = {
        # The serial time is derived, not run: the CPU time the tasks recorded is what running
        # them one after another on a free CPU takes.
        "serial_s": student.task_cpu_s,
        "serial_source": "CPU time recorded inside the tasks",
        "parallel_s": student.wall_s,
        "parallel_source": "wall time of your code's run",
        **{k: v for k, v in asdict(student).items() if k not in ("wall_s", "task_cpu_s")},
        "workers": plan.workers, "tasks": plan.tasks, "usable_cpus": plan.usable_cpus,
        "expected_parallelism": round(plan.parallelism, 3), "rounds": rounds,
        "split_allows": student.split_allows,
    }
    if reference is not None:
        threshold = threshold_for(plan, reference)
        metrics.update(reference_parallel_s=reference.wall_s,
                       reference_speedup=reference.speedup,
                       reference_split_allows=reference.split_allows,
                       threshold=threshold,
                       # What set the threshold: a share of the kit's run, or the cap that a
                       # share of the ideal gain puts on it.
                       threshold_basis=("ideal" if threshold < round(
                           RELATIVE_TO_REFERENCE * reference.speedup, 2) else "kit's run"),
                       relative_to_reference=RELATIVE_TO_REFERENCE,
                       ideal_efficiency=IDEAL_EFFICIENCY)
    return metrics


def judge(student: RunEvidence, reference: RunEvidence | None, plan: SpeedupPlan,
          rounds: int) -> SpeedupVerdict:
    """Turn one round's evidence into a verdict with a message a student can act on.

    `reference` is the kit's own parallel run beside the student's, or None where time is not
    judged (one usable CPU).
    """
    metrics = _metrics(student, reference, plan, rounds)
    problem = structural_problem(student, plan)
    if problem:
        return SpeedupVerdict(False, problem, metrics, structural=True)
    structure = (f"{student.worker_pids} worker processes, up to {student.max_concurrency} tasks "
                 "at once")
    if reference is None or not plan.timing_possible:
        note = (f"only {plan.usable_cpus} CPU is usable here, so time was not judged, only "
                "which processes ran the tasks and whether they overlapped")
        return SpeedupVerdict(True, f"Parallel in structure ({structure}); {note}.",
                              {**metrics, "timing_judged": False, "timing_note": note},
                              timing_judged=False)
    threshold = metrics["threshold"]
    uneven = _uneven_split(student, reference, plan)
    if uneven:
        return SpeedupVerdict(False, uneven, {**metrics, "timing_judged": True})
    if threshold <= MIN_JUDGED_THRESHOLD:
        note = (f"the machine was too busy for the kit's own parallel run to show a gain "
                f"({reference.speedup:.2f}x), so time was not judged")
        return SpeedupVerdict(True, f"Parallel in structure ({structure}); {note}.",
                              {**metrics, "timing_judged": False, "timing_note": note},
                              timing_judged=False)
    metrics["timing_judged"] = True
    if student.speedup < threshold:
        return SpeedupVerdict(False, (
            f"Your parallel run took {student.wall_s:.2f} s for {student.task_cpu_s:.2f} s of "
            f"work: {student.speedup:.2f}x after correcting for the CPU this machine gave, below "
            f"the {threshold:.2f}x asked (the kit's own pool of {plan.workers} reached "
            f"{reference.speedup:.2f}x at the same moment). Give every worker an equal share and "
            "make sure workers do not wait on each other or on the parent (a lock held while "
            "computing, results fetched one at a time)."), metrics)
    return SpeedupVerdict(True, (
        f"{student.speedup:.2f}x faster than serial (needed {threshold:.2f}x; the kit's own "
        f"run reached {reference.speedup:.2f}x): {structure}."), metrics)


def measure_speedup(run_student: Callable[[], object], run_reference: Callable[[], object],
                    log: TaskLog, plan: SpeedupPlan, rounds: int = ROUNDS,
                    student_pid: int | None = None, work_cpu_s: float = WORK_CPU_S
                    ) -> tuple[SpeedupVerdict, object, object]:
    """Time the student's run beside the kit's own, until one round passes or rounds run out.

    student_pid: the student's process, whose descendants the kernel must charge with at least
    part of work_cpu_s (the CPU the tasks need) for the run to count as parallel.

    A structural failure is final at once, and the kit's run is then skipped: no amount of
    repeating makes serial code parallel. Only a speedup short of the threshold, or a round too
    noisy to judge, is tried again; the best round is reported. Returns the verdict and the
    results of the last student and reference runs (None where a run was skipped).
    """
    best: SpeedupVerdict | None = None
    student_result = reference_result = None
    for number in range(1, rounds + 1):
        student, student_result = measure_run(run_student, log, student_pid,
                                              work_cpu_s if student_pid else None, plan.workers)
        reference = None
        if plan.timing_possible and structural_problem(student, plan) is None:
            reference, reference_result = measure_run(run_reference, log, workers=plan.workers)
        verdict = judge(student, reference, plan, number)
        if verdict.structural or (verdict.passed and verdict.timing_judged):
            return verdict, student_result, reference_result
        if not plan.timing_possible:
            return verdict, student_result, reference_result
        if best is None or _rank(verdict) > _rank(best):
            best = verdict
    return best, student_result, reference_result


def _rank(verdict: SpeedupVerdict) -> tuple:
    """Which of two non-final rounds to report: a judged pass, then the best speedup."""
    return (verdict.passed and verdict.timing_judged, verdict.timing_judged,
            verdict.metrics.get("speedup", 0.0))
