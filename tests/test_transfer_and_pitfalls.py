"""The instruments behind the shared_memory and best_practices checks measure what they claim:
bytes pickled for other processes, SharedMemory handles closed and unlinked, views on shared
memory, Ctrl-C during a wait, every start method, and segments in use by other programs."""

import multiprocessing
import os
import sys
import threading
from multiprocessing.shared_memory import SharedMemory

import numpy as np
import pytest

from grader.running import system
from grader.measuring.pitfalls import call_with_ctrl_c, under_every_start_method
from grader.measuring.transfer import PickledBytes, SegmentWatch, pickled_size
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


def test_segment_watch_counts_only_an_explicit_close():
    with SegmentWatch() as watch:
        created = SharedMemory(create=True, size=64)
        attached = SharedMemory(name=created.name)
        attached.close()
        created.unlink()
        del created  # closed by the garbage collector, which does not count
    assert [h.created for h in watch.handles] == [True, False]
    assert watch.not_unlinked() == []
    assert [h.created for h in watch.not_closed()] == [True]


def test_segment_watch_cleans_up_what_was_not_unlinked():
    with SegmentWatch() as watch:
        segment = SharedMemory(create=True, size=64)
        segment.close()
    assert [h.name for h in watch.not_unlinked()] == [segment.name]
    watch.clean_up()
    with pytest.raises(FileNotFoundError):
        SharedMemory(name=segment.name)


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


def test_ctrl_c_breaks_a_blocking_wait_and_reaches_the_caller():
    outcome = call_with_ctrl_c(lambda: threading.Event().wait(10), ready=lambda: True,
                               wait_ready_s=1.0)
    assert outcome.pressed and isinstance(outcome.raised, KeyboardInterrupt)
    assert outcome.seconds_after_press < 1.0


def test_ctrl_c_is_not_pressed_after_the_call_has_ended():
    outcome = call_with_ctrl_c(lambda: None, ready=lambda: False, wait_ready_s=0.2)
    assert not outcome.pressed and outcome.raised is None


def test_every_start_method_is_tried_and_the_run_s_own_restored():
    before = multiprocessing.get_start_method()
    seen = []

    def call():
        seen.append(multiprocessing.get_start_method())
        if seen[-1] == "spawn":
            raise RuntimeError("only under spawn")

    runs = under_every_start_method(call)
    assert seen == [run.method for run in runs] == multiprocessing.get_all_start_methods()
    assert [run.method for run in runs if run.error] == ["spawn"]
    assert multiprocessing.get_start_method() == before
