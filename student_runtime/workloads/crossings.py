"""The interpreters topic's work: values of kinds that can and cannot be sent to another
interpreter, made afresh in whichever process asks, what a task says it was given, and which
interpreter a task ran in."""

from __future__ import annotations

import os
import threading

from student_runtime.workloads import notes


def values_to_send() -> list:
    """Plain data (an int, a string, bytes, a tuple, a list, a dict, None), and objects tied to
    the interpreter that made them (a lock, an event, a generator)."""
    return [3, "text", b"bytes", (1, 2), [4, 5], {"k": 6}, None, threading.Lock(),
            threading.Event(), (x for x in range(3))]


def type_name(value) -> str:
    """The name of the type of what a task was given."""
    return type(value).__name__


class NotingInterpreter:
    """func(item), noting in `<pid>.interpreters` the id of the interpreter it ran in (0 for a
    process's main one): threads of one interpreter share its GIL, other interpreters have their
    own. What it notes is the student's process speaking: it can fail a check, never pass one."""

    def __init__(self, func, log_dir: str | os.PathLike) -> None:
        self.func = func
        self.log_dir = str(log_dir)

    def __call__(self, item):
        os.makedirs(self.log_dir, exist_ok=True)
        notes.note(self.log_dir, "interpreters", str(_interpreter_id()))
        return self.func(item)


def interpreters_noted(log_dir: str | os.PathLike) -> set[str]:
    """The ids of the interpreters that NotingInterpreter calls ran in."""
    return {noted.text.strip() for noted in notes.noted(log_dir, "interpreters")}


def _interpreter_id() -> int:
    try:
        from concurrent import interpreters
    except ImportError:  # before Python 3.14 a process has only its main interpreter here
        return 0
    return interpreters.get_current().id
