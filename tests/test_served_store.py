"""The served Value, Array and manager stand-ins the race checks hand out: the grader keeps
the numbers and names their writers from the operating system; unlocked increments lose updates
every time, locked ones never do."""

from __future__ import annotations

import multiprocessing
import os
import sys

import pytest

from grader.measuring.served_store import ServedStore
from student_runtime.instruments.served import ServedArray, ServedValue
from student_runtime.instruments.served_manager import (ServedDict, ServedManagerLock,
                                                        ServedNamespace)

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


def unlocked_votes(votes, names):
    for name in names:
        votes[name] += 1


def locked_progress(shared, _times):
    progress, lock = shared
    for job in [1, 2, 3, 4, 5]:
        with lock:
            progress.done += 1
            progress.total += job


def test_a_served_dict_loses_unlocked_votes_like_a_manager_dict(tmp_path):
    served = ServedStore(tmp_path, {"ada": 0, "grace": 0}, WORKERS, os.getpid())
    try:
        votes = ServedDict(served.address)
        context = multiprocessing.get_context("spawn")
        processes = [context.Process(target=unlocked_votes, args=(votes, ["ada", "grace"] * 10))
                     for _ in range(WORKERS)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(30)
        assert sum(votes.copy().values()) < WORKERS * 20
        assert served.workers_arrived == WORKERS and served.unlocked_writes == WORKERS * 20
        with pytest.raises(KeyError):
            votes["linus"]
        assert votes.get("linus", 7) == 7 and sorted(votes) == ["ada", "grace"]
    finally:
        served.close()


def test_a_served_namespace_and_lock_lose_nothing_when_locked(tmp_path):
    served = ServedStore(tmp_path, {"done": 0, "total": 0}, WORKERS, os.getpid(), reentrant=False)
    try:
        progress, lock = ServedNamespace(served.address), ServedManagerLock(served.address)
        run_workers(locked_progress, (progress, lock), 0)
        assert (progress.done, progress.total) == (WORKERS * 5, WORKERS * 15)
        assert served.unlocked_writes == 0
        with pytest.raises(AttributeError):
            progress.missing
    finally:
        served.close()


def test_a_manager_lock_is_not_reentrant(tmp_path):
    served = ServedStore(tmp_path, {}, 1, os.getpid(), reentrant=False)
    try:
        lock = ServedManagerLock(served.address)
        assert lock.acquire()
        assert lock.acquire(timeout=0.1) is False
        lock.release()
        assert lock.acquire(blocking=False)
        lock.release()
    finally:
        served.close()
