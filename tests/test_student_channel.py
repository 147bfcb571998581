"""The channel between the grader and the student's process: plain data only, and no secret
in the student's environment."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from grader.running.runner import without_secrets
from grader.running.student_process import allowed_environment
from student_runtime import wire


@pytest.mark.parametrize("value", [
    None, True, 3, 2**1100 + 1, 1.5, float("inf"), "text", [1, [2]], (1, (2, 3)), {1: "a"},
    {"k": {1, 2}}, frozenset({3}), b"\x00bytes", {"nested": [{"x": (None,)}]},
])
def test_plain_data_crosses_unchanged(value):
    assert wire.decode(wire.encode(value)) == value


def test_numeric_arrays_cross_with_their_dtype_and_shape():
    array = np.arange(12, dtype=np.int32).reshape(3, 4)
    got = wire.decode(wire.encode(array))
    assert got.dtype == array.dtype and got.shape == (3, 4) and (got == array).all()


@pytest.mark.parametrize("value", [object(), print, np.array([object()]), type])
def test_anything_else_is_not_plain_data(value):
    with pytest.raises(wire.NotPlainData):
        wire.encode(value)


@pytest.mark.parametrize("message", [
    pickle.dumps({"outcome": "passed"}),           # a pickle is never loaded
    b'{"$evil": 1, "$other": 2}',                   # an untagged object
    b'{"$nd": ["|O", [1], "AAAA"]}',                # an array of objects
    b'{"$f": "1e999999"}',                          # not one of the three special floats
    b"[" * 5000 + b"]" * 5000,                      # deeper than any answer
])
def test_malformed_answers_are_refused(message):
    with pytest.raises(wire.BadMessage):
        wire.decode(message)


def test_the_students_environment_holds_no_secret():
    environ = {"PATH": "/usr/bin", "GRADER_SIGNING_KEY": "k", "GITHUB_TOKEN": "t",
               "LC_ALL": "C.UTF-8", "AWS_SECRET_ACCESS_KEY": "s", "GRADER_SUITE_EVENTS_PATH": "e"}
    assert allowed_environment(environ) == {"PATH": "/usr/bin", "LC_ALL": "C.UTF-8"}


def test_the_suite_process_gets_no_secret_either():
    environ = {"PATH": "/usr/bin", "GRADER_SIGNING_KEY": "k", "CLASS_TOKEN": "t",
               "DB_PASSWORD": "p", "HOME": "/root"}
    assert without_secrets(environ) == {"PATH": "/usr/bin", "HOME": "/root"}
