"""The instruments behind the shared_memory and best_practices checks measure what they claim:
bytes pickled for other processes, SharedMemory handles closed and unlinked, views on shared
memory, Ctrl-C during a wait, every start method, and segments in use by other programs."""

import importlib
import multiprocessing
import operator
import os
import signal
import sys
import time
import timeit
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path

import numpy as np
import psutil
import pytest

from grader import system
from grader.measuring.ctrl_c import call_with_ctrl_c
from grader.measuring.pools_left import pools_left_running
from grader.measuring.start_methods import under_every_start_method
from grader.call_errors import StudentRaised
from grader.running.student_process import StudentProcess, StudentProcessConfig
from student_runtime.instruments import ctrl_c
from student_runtime.instruments.start_methods import call_under
from grader.measuring.transfer import Segments, read_segment, segment_exists
from student_runtime.instruments.pickles import PickledBytes, pickled_size
from student_runtime.instruments.segments import SegmentWatch, describe_shared_array
from student_runtime.workloads.arrays import in_shared_memory


def test_pickled_bytes_counts_what_goes_down_a_pipe_and_nothing_after():
    sender, receiver = multiprocessing.Pipe()
    data = np.zeros(4_000)  # 32 KB: fits in the pipe, so send() returns before recv()
    with PickledBytes() as sent:
        sender.send(data)
        receiver.recv()
    assert data.nbytes <= sent.total <= data.nbytes + 1_000
    sender.send("after")
    receiver.recv()
    assert sent.total <= data.nbytes + 1_000
    assert pickled_size("a name") < 100


def test_pickled_bytes_started_and_stopped_counts_the_same():
    sender, receiver = multiprocessing.Pipe()
    counter = PickledBytes().start()
    sender.send(b"x" * 1_000)
    receiver.recv()
    total = counter.stop()
    sender.send(b"x" * 1_000)
    receiver.recv()
    assert 1_000 <= total == counter.stop() <= 1_100


def test_segment_watch_counts_only_an_explicit_close():
    watch = SegmentWatch()
    created = SharedMemory(create=True, size=64)
    attached = SharedMemory(name=created.name)
    attached.close()
    created.unlink()
    del created  # closed by the garbage collector, which does not count
    segments = Segments.from_report(watch.stop())
    assert [h.created for h in segments.handles] == [True, False]
    assert segments.not_unlinked() == []
    assert [h.created for h in segments.not_closed()] == [True]


@pytest.mark.alone  # its segment is unmapped and left for a moment, as a leak is
def test_segment_watch_cleans_up_what_was_not_unlinked():
    watch = SegmentWatch()
    segment = SharedMemory(create=True, size=64)
    segment.close()
    segments = Segments.from_report(watch.stop())
    assert [h.name for h in segments.not_unlinked()] == [segment.name]
    assert watch.clean_up() == [segment.name]
    assert not segment_exists(segment.name)


def test_a_segment_reported_unlinked_but_still_there_is_not_unlinked():
    segment = SharedMemory(create=True, size=64)
    try:
        report = {"handles": [{"name": segment.name, "size": 64, "created": True, "closed": True}],
                  "unlinked": [segment.name]}
        assert [h.name for h in Segments.from_report(report).not_unlinked()] == [segment.name]
        assert Segments.from_report({"handles": "forged", "unlinked": 3}).handles == []
    finally:
        segment.close()
        segment.unlink()


def test_the_grader_reads_a_segment_as_another_process_would():
    values = np.linspace(-1.0, 1.0, 10)
    segment = SharedMemory(create=True, size=values.nbytes)
    try:
        view = np.ndarray(values.shape, dtype=values.dtype, buffer=segment.buf)
        view[...] = values
        facts = describe_shared_array((segment, view))
        assert facts["views_segment"] and facts["shape"] == [10] and facts["name"] == segment.name
        assert not describe_shared_array((segment, values.copy()))["views_segment"]
        assert describe_shared_array(values)["pair"] is False
        assert np.array_equal(read_segment(segment.name, values.shape, values.dtype.str), values)
        assert read_segment(segment.name, (11,), values.dtype.str) is None  # too small
        del view
    finally:
        segment.close()
        segment.unlink()
    assert read_segment(segment.name, values.shape, values.dtype.str) is None


def test_a_view_on_a_segment_is_shared_memory_and_a_copy_is_not():
    segment = SharedMemory(create=True, size=80)
    try:
        view = np.ndarray((10,), dtype=np.float64, buffer=segment.buf)
        assert in_shared_memory(view[2:5])
        assert in_shared_memory(np.frombuffer(segment.buf, dtype=np.float64)[1:])
        assert not in_shared_memory(view[2:5].copy())
        del view
    finally:
        segment.close()
        segment.unlink()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="segments are listed on Linux only")
def test_a_segment_mapped_by_another_process_is_not_taken_for_a_leak():
    segment = SharedMemory(create=True, size=64)
    try:
        assert system.mapped_elsewhere({segment.name}) == {segment.name}
        assert system.mapped_elsewhere({segment.name}, ours={os.getpid()}) == set()
    finally:
        segment.close()
        segment.unlink()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="segments are listed on Linux only")
def test_a_named_semaphore_in_use_is_not_taken_for_a_leak():
    # glibc maps a named semaphore under a temporary name before linking it to its own, as
    # loky's (joblib's) are: another grading run that took it for a leak broke joblib's workers.
    import _multiprocessing

    name = f"kit-test-{os.getpid()}"
    semaphore = _multiprocessing.SemLock(1, 1, 1, f"/{name}", False)
    try:
        assert system.mapped_elsewhere({f"sem.{name}"}) == {f"sem.{name}"}
    finally:
        del semaphore
        _multiprocessing.sem_unlink(f"/{name}")


@pytest.fixture
def student(tmp_path: Path):
    """A student's process with an empty module: the tests call the standard library there."""
    package = tmp_path / "mine"
    package.mkdir()
    (package / "__init__.py").write_text("")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    process = StudentProcess(StudentProcessConfig(
        package="mine", package_dir=package, module="mine", start_method=method, scratch=scratch))
    yield process
    process.stop()


def test_ctrl_c_breaks_a_blocking_wait_and_reaches_the_caller(student):
    # Pressed once the main thread waits in the sleep, not before it gets there.
    def waiting() -> bool:
        return psutil.Process(student.pid).status() == psutil.STATUS_SLEEPING

    outcome = call_with_ctrl_c(student, time.sleep, 10, ready=waiting, wait_ready_s=2.0)
    assert outcome.pressed and outcome.raised.is_a(KeyboardInterrupt)
    assert outcome.seconds_after_press < 1.0
    assert student.call(operator.add, 2, 3) == 5  # the student's process goes on


def test_ctrl_c_is_not_pressed_after_the_call_has_ended(student):
    outcome = call_with_ctrl_c(student, time.sleep, 0, ready=lambda: False, wait_ready_s=0.2)
    assert not outcome.pressed and outcome.raised is None


@pytest.mark.skipif(os.name == "nt", reason="SIGINT cannot be sent to another process there")
def test_a_ctrl_c_pressed_too_late_does_not_end_the_student_s_process(student, tmp_path):
    student.call(ctrl_c.call_interruptible, str(tmp_path), time.sleep, 0)
    assert (tmp_path / ctrl_c.ARMED).exists()
    os.kill(student.pid, signal.SIGINT)
    time.sleep(0.2)
    assert student.call(operator.add, 2, 3) == 5


def test_ctrl_c_can_be_pressed_from_inside_the_student_s_process(student, tmp_path):
    (tmp_path / ctrl_c.PRESS).touch()
    # A loop of Python code: the press takes effect there, as it would on Windows.
    with pytest.raises(StudentRaised) as raised:
        student.call(ctrl_c.call_interruptible, str(tmp_path), timeit.timeit, "pass", "pass",
                     time.perf_counter, 10**9, timeout_s=5)
    assert raised.value.is_a(KeyboardInterrupt)


def test_every_start_method_is_tried_in_turn():
    seen = []

    def call(method):
        seen.append(method)
        if method == "spawn":
            raise RuntimeError("only under spawn")

    runs = under_every_start_method(call)
    assert seen == [run.method for run in runs] == multiprocessing.get_all_start_methods()
    assert [run.method for run in runs if run.error] == ["spawn"]


def test_a_call_under_a_start_method_restores_the_student_s_own(student):
    there = student.call(importlib.import_module, "multiprocessing", want="handle")
    own = there.get_start_method()
    for method in multiprocessing.get_all_start_methods():
        assert student.call(call_under, method, there.get_start_method) == method
    assert there.get_start_method() == own == student.config.start_method


def test_a_pool_left_running_is_seen_by_the_grader_and_then_stopped(student):
    with pools_left_running(student) as left:
        pool = left.call(multiprocessing.Pool, 2)
    assert len(left.pids) == 2
    assert not any(system.is_running(pid) for pid in left.pids)
    del pool
