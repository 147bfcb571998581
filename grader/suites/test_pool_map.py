"""Checks for pool_map (lesson: Process Pools; Using Pool; many small tasks with chunksize)."""

import pytest

from grader.measuring import baselines
from grader.reporting.feedback import mismatch
from grader.suites.shared_checks import assert_parallel_map_speeds_up
from grader.measuring.kernel_cpu import TreeCpuSampler
from student_runtime.workloads.tasks import ChunkCountingFunction, chunks_received, square

SMALL_TASKS = 20_000
CHUNKS_PER_WORKER = 4
# The CPU the calling process may spend on map_small_tasks, as the kernel counts it: sending
# 20,000 items one per message costs it 3 to 5 s here, sending them in chunks under 0.1 s.
CALLER_CPU_LIMIT_S = 0.5


@pytest.mark.check("correctness", points=2, timeout=8)
def test_results_in_order(exercise):
    items = list(range(40))
    got = exercise.parallel_map(square, items, 2)
    assert got == [square(x) for x in items], mismatch(
        "parallel_map(square, range(40), workers=2)", got, [square(x) for x in items],
        "Return pool.map's list as it is: it keeps the order of the items.")
    got = exercise.parallel_map(square, [], 2)
    assert got == [], mismatch("parallel_map(square, [], workers=2)", got, [],
                               "An empty list of items gives an empty list of results.")


@pytest.mark.check("speedup", points=4, timeout=15)
def test_speedup(exercise, student, check_report, speedup_plan, task_log):
    assert_parallel_map_speeds_up(exercise.parallel_map, baselines.spread_items, "parallel_map",
                                  speedup_plan, task_log, check_report, student=student)


@pytest.mark.check("correctness", points=1, timeout=5)
def test_chunksize_rule(exercise):
    cases = {(1000, 4): 63, (20_000, 2): 2500, (8, 4): 1, (0, 2): 1}
    for (n_items, workers), expected in cases.items():
        got = exercise.choose_chunksize(n_items, workers)
        assert got == expected, mismatch(
            f"choose_chunksize({n_items}, {workers})", got, expected,
            f"Aim for {CHUNKS_PER_WORKER} chunks per worker: ceil(n_items / ({CHUNKS_PER_WORKER} * "
            "workers)), and never less than 1.")


@pytest.mark.check("speedup", points=3, timeout=10)
def test_small_tasks_are_chunked(exercise, student, check_report, scratch):
    workers = 2
    items = list(range(SMALL_TASKS))
    func = student.make(ChunkCountingFunction, square, scratch / "chunks")
    sampler = TreeCpuSampler(student.pid).start()
    got = exercise.map_small_tasks(func, items, workers)
    charged = sampler.stop()
    expected = [square(x) for x in items]
    assert got == expected, mismatch(f"map_small_tasks(square, range({SMALL_TASKS}), workers=2)",
                                     got, expected, "Return every result, in the order of the items.")
    # Each message unpickles the function once, in the worker that receives it; the
    # operating system names that worker to the grader's desk.
    received = [chunk for chunk in chunks_received(scratch / "chunks") if chunk.pid != student.pid]
    messages = len(received)
    receivers = {chunk.pid for chunk in received}
    check_report.record({"messages_sent": messages, "items": SMALL_TASKS, "workers": workers,
                         "receiving_workers": len(receivers),
                         "caller_cpu_s": round(charged.root_cpu_s, 3),
                         "workers_cpu_s": round(charged.workers_cpu_s, 3)},
                        f"{SMALL_TASKS:,} items went to {len(receivers)} workers in {messages} "
                        "messages.")
    assert messages > 0, (
        f"None of the {SMALL_TASKS:,} items was sent to a worker process: they were computed in "
        "the calling process itself. Hand them to a multiprocessing.Pool.")
    assert messages >= workers, (
        f"All {SMALL_TASKS:,} items went out as {messages} chunk, so one worker did everything "
        f"while {workers - 1} sat idle. Cut the work into several chunks per worker "
        "(chunksize=choose_chunksize(...)).")
    assert len(receivers) >= workers, (
        f"The {messages} chunks all went to {len(receivers)} worker process, although "
        f"map_small_tasks was asked for {workers} workers: the others sat idle. Create the pool "
        "with `workers` processes: Pool(workers).")
    assert messages <= 4 * CHUNKS_PER_WORKER * workers, (
        f"The {SMALL_TASKS:,} tiny items went to the workers in {messages:,} separate messages, "
        "and sending each costs more than squaring a number. Pass "
        "chunksize=choose_chunksize(len(items), workers) so they travel in a few large chunks.")
    assert charged.root_cpu_s <= CALLER_CPU_LIMIT_S, (
        f"The operating system charged {charged.root_cpu_s:.2f} s of CPU to the calling process "
        f"while it sent {SMALL_TASKS:,} tiny items to the workers, where a few large chunks cost "
        f"under {CALLER_CPU_LIMIT_S:g} s. Pass chunksize=choose_chunksize(len(items), workers) "
        "to pool.map.")
