"""Checks for shared_memory (lesson: Large shared data: SharedMemory).

The student's code runs in a process of its own. The per-block function handed to it notes
whether the block it was given was a view on shared memory or a private copy, and the bytes the
student's process sends to other processes are counted (by the kernel on Linux, see
measuring/transfer.py); together they tell "workers got the name" from "workers got the data"
under every start method.
A SegmentWatch there notes which SharedMemory handles the code closed and unlinked. The grader
itself attaches to a segment by name to see what another process would find in it, and looks
up every segment the code created to see whether it outlived the call.
"""

import contextlib
import copy

import numpy as np
import pytest

from grader.call_errors import StudentRaised
from grader.measuring import baselines
from grader.measuring.speedup import WORK_CPU_S, SpeedupPlan, measure_speedup
from grader.measuring.transfer import (Segments, bytes_sent, read_segment, segment_exists,
                                       segments_seen)
from student_runtime.instruments.segments import SegmentWatch, describe_shared_array
from student_runtime.workloads.arrays import (BlockTransform, FailingBlockTransform, sin_passes_for,
                                              transform_own_block, values_of)

WORKERS = 2
# 16 MB: large enough that sending the data instead of the name cannot hide in the overhead.
LARGE_ELEMENTS = 500_000
# The segment's name, shape, dtype, bounds and the function, with every Process's start-up data
# under spawn, take a few kilobytes; a copy of even a slice of the array takes megabytes.
MAX_SENT_SHARE = 0.01
SPEEDUP_ELEMENTS = 1_000_000
CLEANUP_ADVICE = (
    "In a `finally:` block after the workers are joined: drop every NumPy array that views the "
    "segment (del), then shm.close(), then shm.unlink() once."
)


def first_difference(got: np.ndarray, expected: np.ndarray) -> str:
    index = int(np.flatnonzero(got != expected)[0])
    return f"at index {index}: {got[index].item()!r} instead of {expected[index].item()!r}"


def type_name(value) -> str:
    """The short name of a value's type, in the student's process for a handle to it."""
    remote = getattr(value, "remote_type", None)
    return remote.rpartition(".")[2] if isinstance(remote, str) else type(value).__name__


def kept_in_student(student, values: np.ndarray):
    """A copy of values that lives in the student's process, as a handle: what the code does to
    it there can be read back, and it is not sent again with every call."""
    return student.make(copy.copy, values)


def read_back(student, handle):
    """What a handle holds in the student's process, as plain data (an array comes back whole)."""
    return student.call(copy.copy, handle)


@contextlib.contextmanager
def stopped_at_the_end(student, watch):
    """Stop an instrument of the student's process when the block ends, however it ends: only
    if that process is still the one it was built in (a hang has it killed and started anew)."""
    generation = student.generation
    try:
        yield watch
    finally:
        if student.generation == generation and student.alive():
            with contextlib.suppress(Exception):  # a courtesy: the check's own error comes first
                watch.stop()


def assert_transformed(call: str, got, values: np.ndarray) -> None:
    expected = BlockTransform.expected(values)
    assert isinstance(got, np.ndarray) and got.shape == values.shape, (
        f"Called {call}: got {type_name(got)}"
        f"{' of shape ' + str(got.shape) if isinstance(got, np.ndarray) else ''}, expected a "
        f"NumPy array of shape {values.shape}. Return a copy of the whole shared array "
        "(array.copy()) once every worker has been joined.")
    assert np.array_equal(got, expected), (
        f"Called {call}: {int(np.sum(got != expected)):,} of {values.size:,} values were not "
        f"transformed (first difference {first_difference(got, expected)}). The slices must "
        "cover the whole array, each worker must change its slice of the shared array itself "
        "(not a copy of it), and the result must be read after every worker has been joined.")


@pytest.mark.check("correctness", points=1, timeout=5)
def test_shared_array_holds_the_values(exercise, student, check_report):
    values = values_of(1000)
    with stopped_at_the_end(student, student.make(SegmentWatch)) as watch:
        pair = exercise.create_shared_array(values)
        segments = Segments.from_report(watch.stop())
    facts = student.call(describe_shared_array, pair)
    # Let go of the pair: the student's process drops it (closing its handle) with the next call.
    del pair
    try:
        assert_holds_the_values(facts, values, segments)
    finally:
        watch.clean_up()
    check_report.record({"segment_bytes": facts["size"], "array_bytes": values.nbytes},
                        f"A {values.nbytes:,}-byte array was copied into a segment.")


def assert_holds_the_values(facts: dict, values: np.ndarray, segments: Segments) -> None:
    """create_shared_array's (shm, array), as describe_shared_array() saw it, views a segment
    that holds the values; the grader attaches to the segment itself to see them."""
    assert facts.get("pair") is True, (
        f"create_shared_array returned {facts.get('type')}; return the pair (shm, array): the "
        "SharedMemory, and a NumPy array that views its buffer.")
    assert facts["is_ndarray"], (
        f"create_shared_array returned {facts['array_type']} as its array; return "
        "(shm, array) where array = np.ndarray(values.shape, dtype=values.dtype, buffer=shm.buf).")
    shape, dtype = tuple(facts["shape"]), np.dtype(facts["dtype"])
    assert shape == values.shape and dtype == values.dtype, (
        f"create_shared_array gave an array of shape {shape} and dtype {dtype} "
        f"for values of shape {values.shape} and dtype {values.dtype}: pass both to np.ndarray.")
    assert facts["views_segment"], (
        "The array create_shared_array returned is not a view on shm.buf but memory of its "
        "own, so nothing written to it is shared. Build it with np.ndarray(..., buffer=shm.buf).")
    name = facts["name"]
    assert name not in segments.unlinked and segment_exists(name), (
        "create_shared_array unlinked the segment before returning it, so no worker can "
        "attach to it by name. Leave unlink() to whoever is done with it last.")
    seen = read_segment(name, values.shape, values.dtype.str)
    assert seen is not None, (
        f"Segment {name!r} holds {facts['size']:,} bytes, too few for the {values.nbytes:,} "
        "bytes of the values: create it with size=values.nbytes.")
    assert np.array_equal(seen, values), (
        f"Another process attaching to segment {name!r} would see the wrong values "
        f"(first difference {first_difference(seen, values)}). Copy values in: "
        "array[...] = values (array = values would only rebind the name).")


@pytest.mark.check("correctness", points=2, timeout=8)
def test_transform_result(exercise, student, check_report, scratch):
    values = values_of(1001)  # not a multiple of the workers: the last slice is longer
    func = BlockTransform(scratch / "blocks")
    call = f"parallel_transform(<{values.size} values>, func, workers={WORKERS})"
    given = kept_in_student(student, values)
    got = exercise.parallel_transform(given, func, WORKERS)
    assert_transformed(call, got, values)
    assert np.array_equal(read_back(student, given), values), (
        f"Called {call}: the array passed in was changed. Work on the copy in shared memory and "
        "return a new array.")
    pids = {pid for pid, _, _ in func.blocks()}
    check_report.record({"worker_pids": len(pids - {student.pid}), "elements": values.size},
                        f"{values.size} values were transformed in {len(pids)} processes.")
    assert student.pid not in pids, (
        "Some slices were transformed in the calling process itself, not in worker processes. "
        "Start a Process for every slice, with transform_slice as its target.")


@pytest.mark.check("hygiene", points=2, timeout=10)
def test_workers_get_the_name_not_the_data(exercise, student, check_report, scratch):
    values = values_of(LARGE_ELEMENTS)
    given = kept_in_student(student, values)
    func = BlockTransform(scratch / "blocks")
    # The result stays in the student's process until the count is taken: the 4 MB answer
    # written back to the grader is not sent to a worker.
    with bytes_sent(student) as sent:
        result = student.call(exercise.parallel_transform, given, func, WORKERS, want="handle")
    got = read_back(student, result)
    sent, counted_by = sent["total"], sent["source"]
    blocks = func.blocks()
    copies = [size for _, shared, size in blocks if not shared]
    limit = int(values.nbytes * MAX_SENT_SHARE)
    check_report.record({"array_bytes": values.nbytes, "sent_bytes": sent,
                         "sent_counted_by": counted_by, "sent_limit": limit,
                         "blocks": len(blocks), "blocks_not_in_shared_memory": len(copies)},
                        f"The workers got {sent:,} bytes for a {values.nbytes:,}-byte array, "
                        "and worked on it in shared memory.")
    assert sent <= limit, (
        f"Your code sent {sent:,} bytes to other processes for a "
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
def test_speedup(exercise, student, check_report, speedup_plan, task_log):
    # One block per worker process here, so as many tasks as the plan has workers.
    plan = SpeedupPlan(workers=speedup_plan.workers, tasks=speedup_plan.workers,
                       usable_cpus=speedup_plan.usable_cpus)
    values = values_of(SPEEDUP_ELEMENTS)
    given = kept_in_student(student, values)
    func = BlockTransform(task_log.directory, sin_passes_for(WORK_CPU_S, SPEEDUP_ELEMENTS))
    # The kit's run makes its workers' blocks in them: it sends no data, as shared memory does.
    bounds = np.linspace(0, SPEEDUP_ELEMENTS, plan.workers + 1).astype(int)
    own_blocks = [(func, SPEEDUP_ELEMENTS, int(start), int(stop))
                  for start, stop in zip(bounds[:-1], bounds[1:])]
    transform = exercise.parallel_transform
    # The result stays in the student's process until the clock has stopped: 8 MB sent back
    # within the timed run would be charged to the student's code.
    verdict, result, _ = measure_speedup(
        run_student=lambda: student.call(transform, given, func, plan.workers, want="handle"),
        run_reference=lambda: baselines.spread(transform_own_block, own_blocks, plan.workers),
        log=task_log, plan=plan, student_pid=student.pid, work_cpu_s=WORK_CPU_S)
    check_report.record({**verdict.metrics, "sin_passes": func.passes}, verdict.message)
    assert verdict.passed, verdict.message
    assert_transformed(f"parallel_transform(<{SPEEDUP_ELEMENTS:,} values>, func, "
                       f"workers={plan.workers})", read_back(student, result), values)


@pytest.mark.check("hygiene", points=1, timeout=8)
def test_segment_is_closed_and_unlinked(exercise, student, check_report, scratch):
    values = values_of(1000)
    with stopped_at_the_end(student, student.make(SegmentWatch)) as watch:
        with segments_seen(student) as seen:
            got = exercise.parallel_transform(values, BlockTransform(scratch / "blocks"), WORKERS)
        segments = Segments.from_report(watch.stop(), seen)
    try:
        check_segments(segments, "parallel_transform returned")
    finally:
        watch.clean_up()
    assert_transformed(f"parallel_transform(<{values.size} values>, func, workers={WORKERS})",
                       got, values)
    check_report.record({"segments_created": len(segments.created())},
                        "Every segment was closed and unlinked.")


@pytest.mark.check("hygiene", points=1, timeout=8)
def test_segment_released_when_a_worker_fails(exercise, student, check_report):
    values = values_of(1000)
    raised = None
    with stopped_at_the_end(student, student.make(SegmentWatch)) as watch:
        with segments_seen(student) as seen:
            try:
                exercise.parallel_transform(values, FailingBlockTransform(), WORKERS)
            except StudentRaised as error:  # any error reports the failure
                if error.is_a(NotImplementedError):
                    raise
                raised = error
        segments = Segments.from_report(watch.stop(), seen)
    try:
        check_segments(segments, "a worker failed")
    finally:
        watch.clean_up()
    assert raised is not None, (
        "Called parallel_transform(values, func, workers=2) with a func that raises in every "
        "worker: the workers died with exit code 1, and your function returned as if all was "
        "well. After joining, check every process's exitcode and raise RuntimeError when one "
        "is not 0.")
    check_report.record({"raised": raised.type_name},
                        f"A failing worker was reported ({raised.type_name}) and the "
                        "segment was still released.")


def check_segments(segments: Segments, when: str) -> None:
    assert segments.created(), (
        "parallel_transform created no SharedMemory segment in the calling process. Put the "
        "values in shared memory with create_shared_array and hand the workers its name.")
    unlinked = segments.not_unlinked()
    assert not unlinked, (
        f"After {when}, {len(unlinked)} segment(s) your code created were never unlinked "
        f"({', '.join(h.name for h in unlinked)}, {sum(h.size for h in unlinked):,} bytes): "
        "a segment outlives every process that used it until someone calls unlink(). "
        + CLEANUP_ADVICE)
    unclosed = segments.not_closed()
    assert not unclosed, (
        f"After {when}, {len(unclosed)} SharedMemory handle(s) of the calling process were "
        f"never closed ({', '.join(h.name for h in unclosed)}): unlink() removes the name, but "
        "the memory stays mapped into the process until close(), and leaving it to the garbage "
        "collector fails silently while an array still views it. " + CLEANUP_ADVICE)
