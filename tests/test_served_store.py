"""The served Value the race checks hand out: the grader keeps the number and names its
writers from the operating system; unlocked increments lose updates every time, locked ones
never do."""

from __future__ import annotations

import multiprocessing
import os
import sys

import pytest

from grader.measuring.served_store import ServedStore
from student_runtime.instruments.served import ServedArray, ServedValue

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")
WORKERS = 4


def unlocked(counter, times):
    for _ in range(times):
        counter.value += 1


def locked(counter, times):
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1


def run_workers(target, shared, times):
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=target, args=(shared, times)) for _ in range(WORKERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(30)
    return {process.pid for process in processes}


@pytest.fixture
def store(tmp_path):
    made = []

    def make(size=1):
        made.append(ServedStore(tmp_path, size, WORKERS, os.getpid()))
        return made[-1]

    yield make
    for store in made:
        store.close()


def test_unlocked_increments_lose_updates_and_are_counted(store):
    served = store()
    counter = ServedValue(served.address)
    pids = run_workers(unlocked, counter, 25)
    assert counter.value < WORKERS * 25
    assert served.unlocked_writes == WORKERS * 25
    assert served.writer_pids == pids


def test_locked_increments_lose_nothing(store):
    served = store()
    counter = ServedValue(served.address)
    run_workers(locked, counter, 50)
    assert served.values[0] == WORKERS * 50 and served.unlocked_writes == 0


def test_an_array_reads_and_writes_by_index(store):
    served = store(3)
    array = ServedArray(served.address)
    array[2] = 5
    assert array[:] == [0, 0, 5] and len(array) == 3 and served.writer_pids == {os.getpid()}
