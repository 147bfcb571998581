"""The student's process as the grader reaches it: calls and plain-data answers, handles to
what is not plain data, exceptions as descriptions, a hang or a crash as a verdict."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from grader.call_errors import CallTimedOut, StudentException, StudentProcessDied, StudentRaised
from grader.reporting.verdicts import blocking_call
from grader.running.student_process import StudentProcess, StudentProcessConfig

STUDENT_MODULE = '''
import multiprocessing, os, time

class Broken(Exception):
    pass

def add(a, b):
    return a + b

def errors():
    return {"bad": ValueError("no"), "fine": 1}

def raise_broken():
    raise Broken("on purpose")

def counter():
    return iter(range(3))

def wait_forever():
    multiprocessing.Process(target=time.sleep, args=(60,)).start()
    for child in multiprocessing.active_children():
        child.join()

def crash():
    os.kill(os.getpid(), 11)

def lambda_back():
    return lambda: 1
'''


@pytest.fixture
def student(tmp_path: Path):
    package = tmp_path / "mine"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "topic.py").write_text(STUDENT_MODULE)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    process = StudentProcess(StudentProcessConfig(
        package="mine", package_dir=package, module="mine.topic", start_method="spawn",
        scratch=scratch))
    yield process
    process.stop()


@pytest.fixture
def module(student):
    from student_runtime import agent

    return student.call(agent.import_module, "mine.topic", want="handle", timeout_s=20)


def test_calls_return_plain_data(module):
    assert module.add(2, 3) == 5
    assert module.add([1], [2]) == [1, 2]


def test_exceptions_in_answers_and_raised_are_described(module):
    got = module.errors()
    assert isinstance(got["bad"], StudentException) and got["bad"].is_a(ValueError)
    with pytest.raises(StudentRaised) as raised:
        module.raise_broken()
    assert raised.value.is_a(module.Broken) and raised.value.message == "on purpose"
    assert any(frame[0].endswith("topic.py") for frame in raised.value.frames)


def test_what_is_not_plain_data_stays_behind_a_handle(module):
    assert list(module.counter()) == [0, 1, 2]
    handle = module.lambda_back()
    assert handle.remote_type == "builtins.function" and handle() == 1


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="stacks are asked for with SIGUSR1")
def test_a_hang_ends_at_the_deadline_and_says_where_it_waited(student, module):
    with pytest.raises(CallTimedOut) as hung:
        module.wait_forever(timeout_s=2)
    assert blocking_call(hung.value.stack) == "Process.join"
    assert not student.alive()


def test_a_crash_is_reported_with_its_signal(student, module):
    if sys.platform == "win32":
        pytest.skip("no SIGSEGV on Windows")
    with pytest.raises(StudentProcessDied) as died:
        module.crash()
    assert died.value.returncode == -11


def test_sockets_work_where_the_scratch_folder_path_is_long(tmp_path):
    """multiprocessing makes sockets in the temp folder (a forkserver's, a Manager's), and a
    socket's path has at most 104 bytes on macOS: a long scratch path (macOS's own temp folder
    is 49 bytes long) must not break them."""
    from multiprocessing.connection import Listener

    scratch = tmp_path / ("a-long-folder-name-" * 6) / "scratch"
    scratch.mkdir(parents=True)
    package = tmp_path / "mine"
    package.mkdir()
    (package / "__init__.py").write_text("")
    process = StudentProcess(StudentProcessConfig(
        package="mine", package_dir=package, module="mine", start_method="spawn",
        scratch=scratch))
    try:
        listener = process.make(Listener)  # an AF_UNIX socket where the platform has them
        assert process.call(len, "still answering") == 15
        del listener
    finally:
        process.stop()
