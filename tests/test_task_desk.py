"""The grader's desk: a task's note is filed under the pid the operating system names, at a
moment the desk can vouch for, whatever the files in the task's folder say."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import time

import pytest

from grader.measuring import task_desk
from student_runtime.workloads import notes
from student_runtime.workloads.tasks import TaskLog, TaskRecord, TimedWork

pytestmark = pytest.mark.skipif(not task_desk.desk_possible(),
                                reason="only Linux names a datagram's sender")


@pytest.fixture
def desk(tmp_path, monkeypatch):
    opened = task_desk.TaskDesk(tmp_path)
    monkeypatch.setenv(notes.DESK_VARIABLE, opened.address)
    notes.read_from(opened)
    yield opened
    notes.read_from(None)
    opened.close()


def run_in_child(target, *args) -> int:
    child = multiprocessing.get_context("spawn").Process(target=target, args=args)
    child.start()
    child.join(30)
    assert child.exitcode == 0
    return child.pid


def one_timed_task(log_dir: str) -> None:
    TimedWork(log_dir, 10_000)(7)


def claims_another_process(log_dir: str, claimed_pid: int) -> None:
    now = time.monotonic()
    TaskLog(log_dir).write(TaskRecord(claimed_pid, 1, now - 5.0, now, 1.0))


def test_a_record_is_filed_under_the_process_that_sent_it(desk, tmp_path):
    log = TaskLog(tmp_path / "tasks")
    child = run_in_child(one_timed_task, str(log.directory))
    [record] = log.read()
    assert record.pid == child
    assert 0 <= record.end - record.start < 5


def test_a_claimed_pid_and_start_count_for_nothing(desk, tmp_path):
    log = TaskLog(tmp_path / "tasks")
    child = run_in_child(claims_another_process, str(log.directory), os.getpid() + 12345)
    [record] = log.read()
    assert record.pid == child
    # No begin() was noted: the task is taken to have started when it ended.
    assert record.start == record.end


def test_a_moment_is_held_near_the_arrival(desk, tmp_path):
    folder = str(tmp_path / "notes")
    sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sent = time.monotonic()
    for claimed in (sent - 60.0, sent + 60.0):
        sender.sendto(json.dumps({"folder": folder, "kind": "k", "text": "", "at": claimed})
                      .encode(), desk.address)
    early, late = desk.notes(folder, "k")
    assert sent - task_desk.SLACK_S <= early.at <= time.monotonic()
    assert late.at <= time.monotonic()


def test_files_written_by_hand_are_not_read(desk, tmp_path):
    log = TaskLog(tmp_path / "tasks")
    (log.directory / "4242.log").write_text("1 0.0 1.0 -\n")
    assert log.read() == []


def test_without_a_desk_the_files_are_read(tmp_path, monkeypatch):
    monkeypatch.delenv(notes.DESK_VARIABLE, raising=False)
    log = TaskLog(tmp_path / "tasks")
    run_in_child(one_timed_task, str(log.directory))
    [record] = log.read()
    assert record.end > record.start
