"""The same code gets the same verdict everywhere: grading uses forkserver or spawn, which both
pickle what they send to a child (as macOS, Windows and Python 3.14's Linux do), and fork only
when asked for."""

import multiprocessing

import pytest

from grader.settings import SettingsError, resolve_start_method
from grader.reporting.verdicts import FUNCTION_NOT_PICKLABLE, OBJECT_NOT_PICKLABLE, pickling_problem


@pytest.mark.parametrize("offered, expected", [
    (["fork", "spawn", "forkserver"], "forkserver"),  # Linux
    (["spawn", "fork", "forkserver"], "forkserver"),  # macOS
    (["spawn"], "spawn"),                             # Windows
])
def test_default_is_forkserver_else_spawn_never_fork(monkeypatch, offered, expected):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: offered)
    assert resolve_start_method(None) == expected


def test_fork_only_when_asked_and_offered(monkeypatch):
    assert resolve_start_method("fork") == "fork"
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    with pytest.raises(SettingsError, match="not available on this platform"):
        resolve_start_method("fork")


def _pickling_error_of(target):
    import pickle
    try:
        pickle.dumps(target)
    except Exception as error:  # noqa: BLE001 - whichever type this Python raises
        return error
    raise AssertionError("expected a pickling error")


def test_a_function_that_cannot_be_pickled_gets_the_module_level_rule():
    def local(x):
        return x

    for target in (lambda x: x, local):
        message = pickling_problem(_pickling_error_of(target))
        assert message is FUNCTION_NOT_PICKLABLE
    assert "defined at module level" in FUNCTION_NOT_PICKLABLE
    assert "by hand" not in FUNCTION_NOT_PICKLABLE


def test_an_object_that_cannot_travel_gets_the_inheritance_rule():
    import threading
    assert pickling_problem(_pickling_error_of(threading.Lock())) is OBJECT_NOT_PICKLABLE
    inheritance = RuntimeError("Synchronized objects should only be shared between processes "
                               "through inheritance")
    assert pickling_problem(inheritance) is OBJECT_NOT_PICKLABLE
    assert pickling_problem(ValueError("bad value")) is None
