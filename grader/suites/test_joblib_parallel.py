"""Checks for joblib_parallel (track: modern; lesson: "Modern Parallel Python", joblib).

joblib's loky workers are processes of the student's process tree, so the kernel's accounting
shows who did the work, as in the lesson's topics. loky keeps its workers alive for reuse after
a call: between checks the grader lets them run on where the kernel shows them as loky's
workers (suite_plugin), and the reuse check has them shut down and sees for itself what ended.
The bytes the student's process writes (the kernel's count on Linux) tell an array sent once as
a memory map from one copied to every task.
"""

import copy
import functools

import psutil
import pytest

from grader import system, waits
from grader.measuring import baselines
from grader.measuring.kernel_cpu import TreeCpuSampler
from grader.measuring.puzzles import squarings_for, time_lock
from grader.measuring.transfer import bytes_sent
from grader.reporting.feedback import mismatch
from grader.suites.shared_checks import (assert_block_sums, assert_not_in_calling_process,
                                         assert_parallel_map_speeds_up,
                                         assert_results_come_as_they_finish)
from student_runtime.instruments.kept_workers import stop_workers_kept_for_reuse
from student_runtime.workloads.arrays import BlockSum, values_of
from student_runtime.workloads.items import StaggeredSquare
from student_runtime.workloads.tasks import (ChunkCountingFunction, TaskLog, TimedWork,
                                             chunks_received, spin, square)

WORKERS = 2
# Item 0 of the results-as-they-finish check takes this long, so it finishes last though it
# was handed out first.
SLOW_ITEM_S = 0.4
BATCHES_PER_WORKER = 4
TINY_TASKS = 10_000
# Each tiny task spins this many times (about 15 microseconds): together about 0.1 s of the
# workers' CPU, which the kernel's count, kept in clock ticks, sees. Squares alone took so
# little that on Python 3.14 it counted 0 for workers kept from an earlier check in 1 run of 3.
TINY_TASK_SPINS = 200
# The CPU the calling process may spend on map_tiny_tasks, as the kernel counts it: sending
# 10,000 tasks one per message costs it about 2 s here (more on a free-threaded 3.13), in
# batches under 0.2 s.
CALLER_CPU_LIMIT_S = 0.5
# 16 MB in 7 blocks (the last one longer): sent to every task, the array travels 7 times;
# memory-mapped, it is written once, to the file the workers map.
ARRAY_ELEMENTS = 2_000_000
BLOCKS = 7
MAX_WRITTEN_COPIES = 2
# The second call of the reuse check: CPU work in tasks, so that the kernel shows who did it.
REUSE_TASKS = 8
REUSE_CPU_S = 0.4
# Of the CPU the workers spent on the second call, at most this share may go to processes that
# the first call had not started (a new pool's start-up and work).
NEW_PROCESS_CPU_SHARE = 0.2
IN_WORKER_PROCESSES = (
    "Pass n_jobs=workers to Parallel and keep its default backend, loky, whose workers are "
    "processes: n_jobs=1 makes every call in the calling process, and backend=\"threading\" "
    "on threads of it.")


def warm_up(exercise, workers: int) -> None:
    """Call parallel_map on a few tiny tasks, so that loky's workers exist before the timing."""
    exercise.parallel_map(square, list(range(2 * workers)), workers)


@pytest.mark.check("correctness", points=2, timeout=10)
def test_results_in_order(exercise, student, task_log):
    func = StaggeredSquare(task_log.directory, {0: 0.1}, 0.0)
    items = list(range(40))
    got = exercise.parallel_map(func, items, WORKERS)
    expected = [x * x for x in items]
    assert got == expected, mismatch(
        f"parallel_map(square, range(40), workers={WORKERS})", got, expected,
        "Return what Parallel returns: a list in the order of the calls, however the workers "
        "finish (item 0 here finishes last).")
    records = TaskLog(func.log_dir).read()
    assert_not_in_calling_process(records, "parallel_map", IN_WORKER_PROCESSES, student.pid)
    got = exercise.parallel_map(square, [], WORKERS)
    assert got == [], mismatch(f"parallel_map(square, [], workers={WORKERS})", got, [],
                               "No items give an empty list of results.")


@pytest.mark.check("speedup", points=3, timeout=15)
def test_speedup(exercise, student, check_report, speedup_plan, task_log):
    # Timed after the workers have started: loky's start-up is paid once, and reuse is the point.
    warm_up(exercise, speedup_plan.workers)
    assert_parallel_map_speeds_up(exercise.parallel_map, baselines.spread_items, "parallel_map",
                                  speedup_plan, task_log, check_report, student=student)


@pytest.mark.check("correctness", points=1, timeout=10)
def test_results_as_they_finish(exercise, student, check_report, task_log):
    assert_results_come_as_they_finish(
        lambda func, items: exercise.as_they_finish(func, items, WORKERS), "as_they_finish",
        task_log, check_report, student.pid, slow_s=SLOW_ITEM_S, advice={
            "none_ran": "Hand the calls to Parallel.", "in_workers": IN_WORKER_PROCESSES,
            "order": "Pass return_as=\"generator_unordered\" to Parallel; \"generator\" and "
                     "\"list\" keep the order of the calls."})


@pytest.mark.check("correctness", points=1, timeout=5)
def test_batch_size_rule(exercise):
    cases = {(1000, 4): 63, (20_000, 2): 2500, (8, 4): 1, (0, 2): 1}
    for (n_items, workers), expected in cases.items():
        got = exercise.choose_batch_size(n_items, workers)
        assert got == expected, mismatch(
            f"choose_batch_size({n_items}, {workers})", got, expected,
            f"Aim for {BATCHES_PER_WORKER} batches per worker: ceil(n_items / "
            f"({BATCHES_PER_WORKER} * workers)), and never less than 1.")


@pytest.mark.check("speedup", points=1, timeout=15)
def test_tiny_tasks_are_batched(exercise, student, check_report, scratch):
    items = list(range(TINY_TASKS))
    tiny = functools.partial(spin, TINY_TASK_SPINS)
    func = student.make(ChunkCountingFunction, tiny, scratch / "chunks")
    sampler = TreeCpuSampler(student.pid).start()
    got = exercise.map_tiny_tasks(func, items, WORKERS)
    charged = sampler.stop()
    expected = [tiny(x) for x in items]
    assert got == expected, mismatch(f"map_tiny_tasks(tiny_task, range({TINY_TASKS}), "
                                     f"workers={WORKERS})", got, expected,
                                     "Return every result, in the order of the items.")
    # The function is unpickled once per message, in the worker that receives it (what the
    # workers say shapes the message; the kernel's count of the caller's CPU decides).
    received = [chunk for chunk in chunks_received(scratch / "chunks") if chunk.pid != student.pid]
    check_report.record({"messages_sent": len(received), "items": TINY_TASKS, "workers": WORKERS,
                         "caller_cpu_s": round(charged.root_cpu_s, 3),
                         "caller_cpu_limit_s": CALLER_CPU_LIMIT_S,
                         "workers_cpu_s": round(charged.workers_cpu_s, 3)},
                        f"{TINY_TASKS:,} tiny tasks went to the workers in {len(received)} "
                        f"messages, for {charged.root_cpu_s:.2f} s of the caller's CPU.")
    assert charged.workers_cpu_s > 0 and received, (
        f"None of the {TINY_TASKS:,} tasks reached a worker process: they ran in the calling "
        f"process itself. {IN_WORKER_PROCESSES}")
    receivers = {chunk.pid for chunk in received}
    assert len(receivers) >= WORKERS, (
        f"The {len(received)} messages all went to {len(receivers)} worker process, although "
        f"map_tiny_tasks was asked for {WORKERS} workers: the others sat idle. Pass "
        "n_jobs=workers to Parallel.")
    assert charged.root_cpu_s <= CALLER_CPU_LIMIT_S, (
        f"The operating system charged {charged.root_cpu_s:.2f} s of CPU to the calling process "
        f"while it sent {TINY_TASKS:,} tiny tasks to the workers in {len(received):,} messages, "
        f"where a few large batches cost under {CALLER_CPU_LIMIT_S:g} s. Pass "
        "batch_size=choose_batch_size(len(items), workers) to Parallel.")


@pytest.mark.check("hygiene", points=1, timeout=15)
def test_large_array_is_memory_mapped(exercise, student, check_report, scratch):
    values = values_of(ARRAY_ELEMENTS)
    given = student.make(copy.copy, values)  # kept in the student's process: not sent again
    func = BlockSum(scratch / "arrays")
    with bytes_sent(student) as sent:
        got = student.call(exercise.block_results, func, given, BLOCKS, WORKERS)
    assert_block_sums(got, values, BLOCKS, f"block_results(func, <{ARRAY_ELEMENTS:,} values>, "
                                           f"blocks={BLOCKS}, workers={WORKERS})")
    written, counted_by = sent["total"], sent["source"]
    limit = MAX_WRITTEN_COPIES * values.nbytes
    arrays = func.arrays()
    copies = [elements for pid, mapped, elements in arrays if not mapped and pid != student.pid]
    check_report.record({"array_bytes": values.nbytes, "sent_bytes": written,
                         "sent_counted_by": counted_by, "sent_limit": limit,
                         "tasks": len(arrays), "tasks_given_a_copy": len(copies)},
                        f"The {values.nbytes:,}-byte array went to the {len(arrays)} tasks for "
                        f"{written:,} bytes written: once, to the file they mapped.")
    assert written <= limit, (
        f"Your code sent {written:,} bytes to the workers for a {values.nbytes:,}-byte array "
        f"({written / values.nbytes:.1f} times its size): every task got its own copy, pickled "
        "through a pipe. Pass the NumPy array itself to delayed(func), never a list made from "
        "it, and keep Parallel's default max_nbytes, so that joblib writes it once to a file "
        "that every worker maps.")
    assert not copies, (
        f"{len(copies)} of the {len(arrays)} tasks were given a private copy of the array, not a "
        "memory map: each copy costs time and memory in every worker. Keep Parallel's default "
        "max_nbytes (arrays above 1 MB are memory-mapped), and pass the array itself.")


@pytest.mark.check("hygiene", points=1, timeout=15)
def test_workers_are_reused(exercise, student, check_report, task_log):
    warm_up(exercise, WORKERS)
    before = {proc.pid for proc in psutil.Process(student.pid).children(recursive=True)}
    lock = time_lock()
    work = TimedWork(task_log.directory, squarings_for(REUSE_CPU_S / REUSE_TASKS, lock.modulus),
                     lock.modulus)
    seeds = list(range(REUSE_TASKS))
    sampler = TreeCpuSampler(student.pid).start()
    got = exercise.parallel_map(work, seeds, WORKERS)
    charged = sampler.stop()
    expected = [lock.answer(seed, work.iterations) for seed in seeds]
    assert got == expected, mismatch(f"parallel_map(work, {REUSE_TASKS} tasks, "
                                     f"workers={WORKERS})", got, expected,
                                     "Return every result, in the order of the items.")
    by_pid = charged.descendants_cpu_s
    old_cpu = sum(cpu for pid, cpu in by_pid.items() if pid in before)
    new_cpu = sum(cpu for pid, cpu in by_pid.items() if pid not in before)
    new_processes = sum(1 for pid, cpu in by_pid.items() if pid not in before and cpu > 0)
    # What joblib keeps after the calls is shut down here, so the kernel shows how many it was.
    alive = psutil.Process(student.pid).children(recursive=True)
    student.call(stop_workers_kept_for_reuse)
    kept = len(alive) - len(system.wait_until_stopped(alive, waits.ENDING_S))
    check_report.record({"workers_cpu_s_in_reused": round(old_cpu, 3),
                         "workers_cpu_s_in_new": round(new_cpu, 3),
                         "new_processes": new_processes, "kept_for_reuse": kept},
                        f"The second call ran on the workers the first one started, and joblib "
                        f"then kept {kept} idle worker(s) for reuse: not a leak, by design (the "
                        "grader shut them down).")
    workers_cpu = old_cpu + new_cpu
    assert workers_cpu > 0, (
        "The second call's tasks ran in the calling process itself, not in worker processes. "
        + IN_WORKER_PROCESSES)
    assert new_cpu <= NEW_PROCESS_CPU_SHARE * workers_cpu, (
        f"The second of two calls started {new_processes} new process(es), which did "
        f"{new_cpu / workers_cpu:.0%} of its work ({new_cpu:.2f} s of CPU), while the workers the "
        "first call started were there to reuse: every call paid a pool's start-up again. Use "
        "joblib's default backend, loky, which keeps its workers between calls (no "
        "backend=\"multiprocessing\", no pool of your own).")
