"""Checks for shared_memory (lesson: Large shared data: SharedMemory).

The per-block function handed to the student's code notes whether the block it was given was a
view on shared memory or a private copy, and the grading process counts the bytes it pickles
for other processes; together they tell "workers got the name" from "workers got the data"
under every start method.
"""

import os

import numpy as np
import pytest

from grader.measuring import baselines
from grader.measuring.speedup import WORK_CPU_S, SpeedupPlan, measure_speedup
from grader.measuring.transfer import PickledBytes, SegmentWatch
from student_runtime.workloads.arrays import BlockTransform, FailingBlockTransform, sin_passes_for

WORKERS = 2
# 16 MB: large enough that sending the data instead of the name cannot hide in the overhead.
LARGE_ELEMENTS = 2_000_000
# The segment's name, shape, dtype, bounds and the function, with every Process's start-up data
# under spawn, take a few kilobytes; a copy of even a slice of the array takes megabytes.
MAX_SENT_SHARE = 0.01
SPEEDUP_ELEMENTS = 1_000_000
CLEANUP_ADVICE = (
    "In a `finally:` block after the workers are joined: drop every NumPy array that views the "
    "segment (del), then shm.close(), then shm.unlink() once."
)


def values_of(size: int) -> np.ndarray:
    """The same float64 values on every run."""
    return np.linspace(-1.0, 1.0, size)


def first_difference(got: np.ndarray, expected: np.ndarray) -> str:
    index = int(np.flatnonzero(got != expected)[0])
    return f"at index {index}: {got[index].item()!r} instead of {expected[index].item()!r}"


def assert_transformed(call: str, got, values: np.ndarray) -> None:
    expected = BlockTransform.expected(values)
    assert isinstance(got, np.ndarray) and got.shape == values.shape, (
        f"Called {call}: got {type(got).__name__}"
        f"{' of shape ' + str(got.shape) if isinstance(got, np.ndarray) else ''}, expected a "
        f"NumPy array of shape {values.shape}. Return a copy of the whole shared array "
        "(array.copy()) once every worker has been joined.")
    assert np.array_equal(got, expected), (
        f"Called {call}: {int(np.sum(got != expected)):,} of {values.size:,} values were not "
        f"transformed (first difference {first_difference(got, expected)}). The slices must "
        "cover the whole array, each worker must change its slice of the shared array itself "
        "(not a copy of it), and the result must be read after every worker has been joined.")


@pytest.mark.check("correctness", points=1, timeout=5)
def test_shared_array_holds_the_values(exercise_in_grader, check_report):
    values = values_of(1000)
    with SegmentWatch() as watch:
        shm, array = exercise_in_grader.create_shared_array(values)
    try:
        assert isinstance(array, np.ndarray), (
            f"create_shared_array returned {type(array).__name__} as its array; return "
            "(shm, array) where array = np.ndarray(values.shape, dtype=values.dtype, buffer=shm.buf).")
        assert array.shape == values.shape and array.dtype == values.dtype, (
            f"create_shared_array gave an array of shape {array.shape} and dtype {array.dtype} "
            f"for values of shape {values.shape} and dtype {values.dtype}: pass both to np.ndarray.")
        assert np.shares_memory(array, np.frombuffer(shm.buf, dtype=np.uint8)), (
            "The array create_shared_array returned is not a view on shm.buf but memory of its "
            "own, so nothing written to it is shared. Build it with np.ndarray(..., buffer=shm.buf).")
        other = type(shm)(name=shm.name)
        try:
            seen = np.ndarray(values.shape, dtype=values.dtype, buffer=other.buf).copy()
        finally:
            other.close()
        assert np.array_equal(seen, values), (
            f"Another process attaching to segment {shm.name!r} would see the wrong values "
            f"(first difference {first_difference(seen, values)}). Copy values in: "
            "array[...] = values (array = values would only rebind the name).")
        assert shm.name not in watch.unlinked, (
            "create_shared_array unlinked the segment before returning it, so no worker can "
            "attach to it by name. Leave unlink() to whoever is done with it last.")
    finally:
        del array
        shm.close()
        if shm.name not in watch.unlinked:
            shm.unlink()
    check_report.record({"segment_bytes": shm.size, "array_bytes": values.nbytes},
                        f"A {values.nbytes:,}-byte array was copied into a segment.")


@pytest.mark.check("correctness", points=2, timeout=8)
def test_transform_result(exercise_in_grader, check_report, tmp_path):
    values = values_of(1001)  # not a multiple of the workers: the last slice is longer
    func = BlockTransform(tmp_path / "blocks")
    call = f"parallel_transform(<{values.size} values>, func, workers={WORKERS})"
    got = exercise_in_grader.parallel_transform(values, func, WORKERS)
    assert_transformed(call, got, values)
    assert np.array_equal(values, values_of(values.size)), (
        f"Called {call}: the array passed in was changed. Work on the copy in shared memory and "
        "return a new array.")
    pids = {pid for pid, _, _ in func.blocks()}
    check_report.record({"worker_pids": len(pids - {os.getpid()}), "elements": values.size},
                        f"{values.size} values were transformed in {len(pids)} processes.")
    assert os.getpid() not in pids, (
        "Some slices were transformed in the grading process itself, not in worker processes. "
        "Start a Process for every slice, with transform_slice as its target.")


@pytest.mark.check("hygiene", points=2, timeout=10)
def test_workers_get_the_name_not_the_data(exercise_in_grader, check_report, tmp_path):
    values = values_of(LARGE_ELEMENTS)
    func = BlockTransform(tmp_path / "blocks")
    with PickledBytes() as sent:
        got = exercise_in_grader.parallel_transform(values, func, WORKERS)
    blocks = func.blocks()
    copies = [size for _, shared, size in blocks if not shared]
    limit = int(values.nbytes * MAX_SENT_SHARE)
    check_report.record({"array_bytes": values.nbytes, "pickled_bytes": sent.total,
                         "pickled_limit": limit, "blocks": len(blocks),
                         "blocks_not_in_shared_memory": len(copies),
                         "pickled_bytes_cover": "what the grading process pickled: Process args "
                         "under spawn and forkserver, and queues, pipes and pools always"},
                        f"The workers got {sent.total:,} bytes for a {values.nbytes:,}-byte array, "
                        "and worked on it in shared memory.")
    assert sent.total <= limit, (
        f"Your code pickled {sent.total:,} bytes to send to other processes for a "
        f"{values.nbytes:,}-byte array: the data itself travelled, copied through a pipe, instead "
        "of the segment's name. Send each worker only shm.name, the shape, the dtype and its "
        "slice's bounds, and let it attach with SharedMemory(name=...).")
    assert not copies, (
        f"{len(copies)} of the {len(blocks)} blocks func was given were private copies, not views "
        "on the shared segment: a worker's changes to a copy are lost, and copying costs time and "
        "memory. In the worker, attach with SharedMemory(name=...) and call func on a slice of "
        "np.ndarray(shape, dtype=dtype, buffer=shm.buf).")
    assert_transformed(f"parallel_transform(<{LARGE_ELEMENTS:,} values>, func, workers={WORKERS})",
                       got, values)


@pytest.mark.check("speedup", points=3, timeout=15)
def test_speedup(exercise_in_grader, check_report, speedup_plan, task_log):
    # One block per worker process here, so as many tasks as the plan has workers.
    plan = SpeedupPlan(workers=speedup_plan.workers, tasks=speedup_plan.workers,
                       usable_cpus=speedup_plan.usable_cpus)
    values = values_of(SPEEDUP_ELEMENTS)
    func = BlockTransform(task_log.directory, sin_passes_for(WORK_CPU_S, SPEEDUP_ELEMENTS))
    verdict, got, _ = measure_speedup(
        run_student=lambda: exercise_in_grader.parallel_transform(values, func, plan.workers),
        run_reference=lambda: baselines.shared_array_transform(values, func, plan.workers),
        log=task_log, plan=plan)
    check_report.record({**verdict.metrics, "sin_passes": func.passes}, verdict.message)
    assert verdict.passed, verdict.message
    assert_transformed(f"parallel_transform(<{SPEEDUP_ELEMENTS:,} values>, func, "
                       f"workers={plan.workers})", got, values)


@pytest.mark.check("hygiene", points=1, timeout=8)
def test_segment_is_closed_and_unlinked(exercise_in_grader, check_report, tmp_path):
    values = values_of(1000)
    with SegmentWatch() as watch:
        got = exercise_in_grader.parallel_transform(values, BlockTransform(tmp_path / "blocks"), WORKERS)
    try:
        check_segments(watch, "parallel_transform returned")
    finally:
        watch.clean_up()
    assert_transformed(f"parallel_transform(<{values.size} values>, func, workers={WORKERS})",
                       got, values)
    check_report.record({"segments_created": len(watch.created())},
                        "Every segment was closed and unlinked.")


@pytest.mark.check("hygiene", points=1, timeout=8)
def test_segment_released_when_a_worker_fails(exercise_in_grader, check_report):
    values = values_of(1000)
    raised = None
    with SegmentWatch() as watch:
        try:
            exercise_in_grader.parallel_transform(values, FailingBlockTransform(), WORKERS)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - any error reports the failure
            raised = error
    try:
        check_segments(watch, "a worker failed")
    finally:
        watch.clean_up()
    assert raised is not None, (
        "Called parallel_transform(values, func, workers=2) with a func that raises in every "
        "worker: the workers died with exit code 1, and your function returned as if all was "
        "well. After joining, check every process's exitcode and raise RuntimeError when one "
        "is not 0.")
    check_report.record({"raised": type(raised).__name__},
                        f"A failing worker was reported ({type(raised).__name__}) and the "
                        "segment was still released.")


def check_segments(watch: SegmentWatch, when: str) -> None:
    assert watch.created(), (
        "parallel_transform created no SharedMemory segment in the grading process. Put the "
        "values in shared memory with create_shared_array and hand the workers its name.")
    unlinked = watch.not_unlinked()
    assert not unlinked, (
        f"After {when}, {len(unlinked)} segment(s) your code created were never unlinked "
        f"({', '.join(h.name for h in unlinked)}, {sum(h.size for h in unlinked):,} bytes): "
        "a segment outlives every process that used it until someone calls unlink(). "
        + CLEANUP_ADVICE)
    unclosed = watch.not_closed()
    assert not unclosed, (
        f"After {when}, {len(unclosed)} SharedMemory handle(s) of the grading process were "
        f"never closed ({', '.join(h.name for h in unclosed)}): unlink() removes the name, but "
        "the memory stays mapped into the process until close(), and leaving it to the garbage "
        "collector fails silently while an array still views it. " + CLEANUP_ADVICE)
