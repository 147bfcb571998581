"""Checks for why_processes (lesson: Why Multiprocessing?; Multiprocessing vs Threading; the table
Multiprocessing vs Alternatives).

The student's code runs in a process of its own. The tasks handed to it record, from inside,
which process and thread ran them, when, and how much CPU they got: the record shows what each
way of running them really did, and the lesson's claims are checked on it (processes speed up
CPU work; threads take turns on it under the GIL; threads do speed up waiting). The grader sets
beside it what it sees itself: the answers (the CPU work is a puzzle that needs its work), its
own clock, and the kernel's accounting of the student's processes.
"""

import math

import pytest

from grader.call_errors import StudentRaised
from grader.measuring import baselines
from grader.reporting.feedback import mismatch
from grader.suites.shared_checks import assert_parallel_map_speeds_up, puzzle_work
from grader.measuring.speedup import PARALLEL_THREADS_CPUS, gil_enabled, measure_run
from student_runtime.workloads.tasks import PausedSquare, square
from student_runtime.workloads.waiting import WaitingSquare

# Threads on CPU work take as long as serial under the GIL, so this check's work is kept short.
THREADS_WORK_CPU_S = 0.3
WAITS = 12
WAIT_S = 0.05
WAIT_THREADS = 6
# Waiting threads must finish this share of the ideal gain faster than the waits add up to.
WAIT_GAIN_SHARE = 0.5
# More of the threads' CPU work than this share charged by the kernel to other processes means
# processes, not threads, did it.
OTHER_PROCESSES_CPU_SHARE = 0.5
IN_ORDER = ("The later inputs finish first here: return the results in the order of the items, "
            "not in the order they finished (map() keeps the order).")

# The lesson's table: workload -> (the tools it names, why).
TABLE = {
    "CPU-heavy calculation": (("multiprocessing",), (
        "Pure-Python computation holds the GIL, so only separate processes, each with its own "
        "GIL, run it on several cores at once.")),
    "network I/O": (("threading", "asyncio"), (
        "A thread waiting for the network lets go of the GIL, so threads (or asyncio's event "
        "loop) overlap the waits cheaply; processes would only add start-up and pickling.")),
    "file I/O": (("threading",), (
        "Reading and writing files is mostly waiting on the disk, and a waiting thread lets go "
        "of the GIL, so threads overlap it without the cost of processes.")),
    "many small tasks": (("Pool with chunksize",), (
        "Sending each tiny task to a worker costs more than the task: a Pool with a chunksize "
        "sends them in batches.")),
    "large shared data": (("SharedMemory",), (
        "Pickling large data to every worker copies it each time; SharedMemory lets every "
        "process see one copy.")),
    "NumPy operations": (("NumPy",), (
        "NumPy's array operations run in C without the GIL, and many already use several "
        "cores: vectorize with NumPy before reaching for processes.")),
}
NOT_A_WORKLOAD = "video rendering on a GPU"


@pytest.mark.check("correctness", points=2, timeout=8)
def test_same_results_every_way(exercise, task_log):
    items = list(range(-3, 5))
    expected = [square(x) for x in items]
    got = exercise.run_serially(square, items)
    assert got == expected, mismatch("run_serially(square, range(-3, 5))", got, expected,
                                     "Apply func to each item in turn and keep their order.")
    func = PausedSquare(task_log.directory, longest_pause_s=0.1)
    inputs = [0, 1, 2, 3]
    expected = [x * x for x in inputs]
    for name in ("run_with_threads", "run_with_processes"):
        got = getattr(exercise, name)(func, inputs, 2)
        assert got == expected, mismatch(f"{name}(square, [0, 1, 2, 3], workers=2)", got,
                                         expected, IN_ORDER)
    for name, args in (("run_serially", ()), ("run_with_threads", (2,))):
        got = getattr(exercise, name)(square, [], *args)
        assert got == [], mismatch(f"{name}(square, []{', 2' if args else ''})", got, [],
                                   "No items, no results: return an empty list.")


@pytest.mark.check("speedup", points=3, timeout=15)
def test_processes_speed_up_cpu_work(exercise, student, check_report, speedup_plan, task_log):
    assert_parallel_map_speeds_up(exercise.run_with_processes, baselines.spread_items,
                                  "run_with_processes", speedup_plan, task_log, check_report,
                                  student=student)


@pytest.mark.check("speedup", points=2, timeout=10)
def test_threads_take_turns_on_cpu_work(exercise, student, check_report, speedup_plan, task_log):
    plan = speedup_plan
    work, lock = puzzle_work(task_log, plan, THREADS_WORK_CPU_S)
    seeds = list(range(plan.tasks))
    run_with_threads = exercise.run_with_threads
    run, got = measure_run(lambda: run_with_threads(work, seeds, plan.workers), task_log,
                           parent_pid=student.pid, work_cpu_s=THREADS_WORK_CPU_S,
                           workers=plan.workers)
    expected = [lock.answer(seed, work.iterations) for seed in seeds]
    assert got == expected, mismatch(
        f"run_with_threads(work, {plan.tasks} tasks, workers={plan.workers})", got, expected,
        "Return every result, in the order of the items.")
    parallel_threads = not gil_enabled() or run.threads_cpu_overlap >= PARALLEL_THREADS_CPUS
    check_report.record({
        "speedup": run.raw_speedup, "parallel_s": run.wall_s, "serial_s": run.task_cpu_s,
        "serial_source": "CPU time recorded inside the tasks", "threads": run.threads,
        "max_concurrency": run.max_concurrency, "worker_pids": run.worker_pids,
        "cpus_busy_at_once": run.threads_cpu_overlap, "gil_enabled": gil_enabled(),
        "kernel_other_processes_cpu_s": run.kernel_workers_cpu_s,
        "kernel_own_process_cpu_s": run.parent_cpu_s,
        "workers": plan.workers, "tasks": plan.tasks}, "")
    n = run.tasks_recorded
    # The kernel's accounting, which the student's code cannot write, has its say too.
    other_processes = max(run.worker_pids, 1 if (run.kernel_workers_cpu_s or 0.0)
                          > OTHER_PROCESSES_CPU_SHARE * THREADS_WORK_CPU_S else 0)
    assert other_processes == 0, (
        f"run_with_threads ran the tasks in {other_processes} other process(es): threads live "
        "inside your own process, and this check is about what they can and cannot do. Use a "
        "ThreadPoolExecutor (or threading.Thread) here; processes belong in run_with_processes.")
    assert run.threads >= 2, (
        f"All {n} tasks ran one after another on a single thread (speedup "
        f"{run.raw_speedup:.2f}x): run_with_threads did not use {plan.workers} threads. Hand "
        "the items to a ThreadPoolExecutor(max_workers=workers).")
    assert run.max_concurrency >= 2, (
        f"The tasks ran on {run.threads} threads but never two at once: each finished before "
        "the next began. Start (or submit) them all before you wait for any result.")
    shown = (f"{n} CPU-bound tasks ran on {run.threads} threads of the calling process, up to "
             f"{run.max_concurrency} at once, and kept {run.threads_cpu_overlap:.1f} CPUs busy")
    if parallel_threads:
        note = ("This interpreter runs threads without the GIL (a free-threaded build), so here "
                "threads did speed up CPU work; on a standard build they take turns on the GIL "
                "and gain nothing.")
        check_report.metrics["note"] = note
        summary = f"{shown}: {run.raw_speedup:.2f}x faster than serial. {note}"
    else:
        summary = (f"{shown}: {run.raw_speedup:.2f}x, no faster than serial. The GIL lets one "
                   "thread at a time run Python code, so threads only take turns on CPU work.")
    check_report.summary = summary


@pytest.mark.check("speedup", points=2, timeout=8)
def test_threads_speed_up_waiting(exercise, student, check_report, task_log):
    work = WaitingSquare(task_log.directory, WAIT_S)
    items = list(range(WAITS))
    run_with_threads = exercise.run_with_threads
    run, got = measure_run(lambda: run_with_threads(work, items, WAIT_THREADS), task_log,
                           parent_pid=student.pid)
    expected = [x * x for x in items]
    assert got == expected, mismatch(
        f"run_with_threads(wait, range({WAITS}), {WAIT_THREADS})", got, expected,
        "Return every result, in the order of the items.")
    # The grader's own figures: the waits it set, added up, against its own clock. The least
    # time they take, however many threads wait at once, shows whether they were waited at all.
    waited = WAITS * WAIT_S
    least = WAIT_S * math.ceil(WAITS / WAIT_THREADS)
    gain = waited / run.wall_s if run.wall_s > 0 else 0.0
    needed = WAIT_GAIN_SHARE * min(WAIT_THREADS, WAITS)
    check_report.record({"serial_s": round(waited, 4), "serial_source": "the waits added up",
                         "least_parallel_s": least,
                         "parallel_s": run.wall_s, "speedup": round(gain, 3),
                         "threshold": needed, "threads": run.threads,
                         "max_concurrency": run.max_concurrency, "worker_pids": run.worker_pids,
                         "workers": WAIT_THREADS, "tasks": WAITS},
                        f"{WAITS} waits of {WAIT_S:g} s on {run.threads} threads took "
                        f"{run.wall_s:.2f} s instead of {waited:.2f} s: {gain:.1f}x faster. A "
                        "waiting thread lets go of the GIL, so threads do help with I/O.")
    assert run.worker_pids == 0, (
        f"run_with_threads ran the waits in {run.worker_pids} other process(es). Threads live "
        "inside your own process: use a ThreadPoolExecutor (or threading.Thread).")
    assert run.wall_s >= least, (
        f"run_with_threads returned after {run.wall_s:.3f} s, sooner than {WAIT_THREADS} threads "
        f"can wait out {WAITS} waits of {WAIT_S:g} s ({least:.2f} s): not every item went through "
        "func. Call func on every item, on the threads.")
    assert run.max_concurrency >= 2, (
        f"The {WAITS} waits of {WAIT_S:g} s ran one after another on {run.threads} thread(s) and "
        f"took {run.wall_s:.2f} s, as long as serially. A waiting thread lets go of the GIL, so "
        f"{WAIT_THREADS} threads could have waited at once: give the executor max_workers=workers.")
    assert gain >= needed, (
        f"The {WAITS} waits of {WAIT_S:g} s took {run.wall_s:.2f} s on {WAIT_THREADS} threads: "
        f"only {gain:.1f}x faster than one after another ({waited:.2f} s), below the "
        f"{needed:.1f}x asked. Run `workers` threads at once: max_workers=workers.")


@pytest.mark.check("correctness", points=1, timeout=5)
def test_tool_for_each_workload(exercise):
    for workload, (tools, why) in TABLE.items():
        got = exercise.choose_tool(workload)
        either = f" ({' and '.join(repr(t) for t in tools)} are both right)" if tools[1:] else ""
        assert got in tools, mismatch(f"choose_tool({workload!r})", got, tools[0],
                                      f"{why}{either}")
    try:
        got = exercise.choose_tool(NOT_A_WORKLOAD)
    except StudentRaised as error:  # the student's code may raise anything
        if not error.is_a(ValueError):
            raise AssertionError(
                f"Called choose_tool({NOT_A_WORKLOAD!r}): raised {error.type_name}, expected a "
                "ValueError. Check for an unknown workload yourself and raise ValueError naming "
                "the WORKLOADS.") from None
        unnamed = [w for w in TABLE if w.lower() not in error.message.lower()]
        assert not unnamed, (
            f"Called choose_tool({NOT_A_WORKLOAD!r}): raised ValueError({error.message!r}), which "
            f"does not name the valid workloads ({len(unnamed)} of {len(TABLE)} missing, "
            f"{unnamed[0]!r} among them). Name them all, so that the caller can correct the "
            "call: raise ValueError(f\"...; expected one of {', '.join(WORKLOADS)}\").")
        return
    raise AssertionError(
        f"Called choose_tool({NOT_A_WORKLOAD!r}): got {got!r}, expected a ValueError. A workload "
        "that is not in the table has no best tool: raise ValueError naming the WORKLOADS.")
