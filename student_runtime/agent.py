"""The loop that runs in the student's process: it takes the grader's calls and answers them.

Started by the grader as `python -S -P -c "from student_runtime import agent; agent.main()"
STDOUT_FILE STDERR_FILE STACK_FILE START_METHOD MODULE`. Standard input and output carry the
grader's requests and the answers; before any student code runs they are moved to private
descriptors, so that the student's prints, and every process it starts, go to the two files
instead, and `input()` reads nothing.

A request is a pickle from the grader: call `func(*args, **kwargs)`, where any argument may be a
handle to an object kept here. The answer is plain data, a handle to what is not plain data,
or the exception the call raised, described as plain data.
"""

from __future__ import annotations

import importlib
import io
import os
import pickle
import signal
import sys
import traceback

from student_runtime import wire

# Kept short: a student's message may be long, and the grader quotes only its first line.
MAX_MESSAGE_CHARS = 2000
MAX_FRAMES = 60


class _Handles:
    """The objects the grader holds handles to, by number."""

    def __init__(self) -> None:
        self._objects: dict[int, object] = {}
        self._next = 1

    def keep(self, obj) -> int:
        number = self._next
        self._next += 1
        self._objects[number] = obj
        return number

    def get(self, number: int):
        return self._objects[number]

    def release(self, numbers) -> None:
        for number in numbers:
            self._objects.pop(number, None)


def _qualname(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def describe_error(error: BaseException) -> dict:
    """An exception as plain data: its types, message, the frames it passed and a few fields."""
    frames = [[frame.filename, frame.lineno or 0, frame.name]
              for frame in traceback.extract_tb(error.__traceback__)][-MAX_FRAMES:]
    fields = {}
    for name in ("name", "lineno", "msg", "filename", "errno"):
        value = getattr(error, name, None)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            fields[name] = value if isinstance(value, int) else value[:MAX_MESSAGE_CHARS]
    try:
        message = str(error)
    except BaseException:  # noqa: BLE001 - a student's __str__ may raise anything
        message = "<message could not be read>"
    return {"types": [_qualname(k) for k in type(error).__mro__],
            "message": message[:MAX_MESSAGE_CHARS], "frames": frames, "fields": fields}


def _describe_object(obj, handles: _Handles) -> dict:
    kind = type(obj)
    try:
        shown = repr(obj)[:200]
    except BaseException:  # noqa: BLE001
        shown = f"<{kind.__qualname__}>"
    class_types = [_qualname(k) for k in (obj.__mro__ if isinstance(obj, type) else ())]
    name = getattr(obj, "__qualname__", "")
    return {"id": handles.keep(obj), "type": _qualname(kind),
            "types": [_qualname(k) for k in kind.__mro__], "callable": callable(obj),
            "repr": shown, "class_types": class_types, "name": name if isinstance(name, str) else ""}


def _plain(value, handles: _Handles) -> bytes:
    """The answer for a returned value: plain data where it can be, else a handle."""
    if isinstance(value, BaseException):
        return wire.envelope("$ok", {"$exc": describe_error(value)})
    try:
        return wire.envelope("$ok", _with_exceptions(value))
    except wire.NotPlainData:
        return wire.envelope("$handle", _describe_object(value, handles))


def _with_exceptions(value, depth: int = 0):
    """Exceptions inside a returned list or dict travel as descriptions, not as handles."""
    if depth > wire.MAX_DEPTH:
        return value
    if isinstance(value, BaseException):
        return {"$exc": describe_error(value)}
    if type(value) is list:
        return [_with_exceptions(v, depth + 1) for v in value]
    if type(value) is tuple:
        return tuple(_with_exceptions(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: _with_exceptions(v, depth + 1) for k, v in value.items()}
    return value


class _RequestUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, handles: _Handles) -> None:
        super().__init__(io.BytesIO(data))
        self._handles = handles

    def persistent_load(self, pid):
        tag, number = pid
        if tag != "handle":
            raise pickle.UnpicklingError(f"unknown reference {tag!r}")
        return self._handles.get(number)


def _answer(request: dict, handles: _Handles) -> bytes:
    if request.get("release"):
        handles.release(request["release"])
    func, args, kwargs = request["func"], request.get("args", ()), request.get("kwargs", {})
    try:
        value = func(*args, **kwargs)
    except BaseException as error:  # noqa: BLE001 - the student's code may raise anything
        return wire.envelope("$raised", describe_error(error))
    if request.get("want") == "handle":
        return wire.envelope("$handle", _describe_object(value, handles))
    return _plain(value, handles)


def _take_standard_streams(stdout_path: str, stderr_path: str) -> tuple[int, int]:
    """Move stdin and stdout to private descriptors; point 0 at nothing, 1 and 2 at the files."""
    requests, answers = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    for fd, path in ((1, stdout_path), (2, stderr_path)):
        output = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.dup2(output, fd)
        os.close(output)
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="backslashreplace")
    sys.stderr = open(2, "w", buffering=1, closefd=False, errors="backslashreplace")
    return requests, answers


def _dump_stacks_on_request(stack_path: str) -> None:
    """On SIGUSR1, write every thread's stack to stack_path: the grader asks when a call hangs."""
    if not hasattr(signal, "SIGUSR1"):
        return
    import faulthandler

    stack_file = open(stack_path, "w", encoding="utf-8")
    faulthandler.register(signal.SIGUSR1, file=stack_file, all_threads=True)
    _keep_alive.append(stack_file)


_keep_alive: list = []


def serve(requests: int, answers: int) -> None:
    """Answer requests until the grader closes its end."""
    handles = _Handles()
    while True:
        try:
            frame = wire.read_frame(requests)
        except wire.BadMessage:
            return
        if frame is None:
            return
        try:
            request = _RequestUnpickler(frame, handles).load()
        except Exception as error:  # noqa: BLE001 - a handle released too early, say
            wire.write_frame(answers, wire.envelope("$raised", describe_error(error)))
            continue
        answer = _answer(request, handles)
        sys.stdout.flush()
        sys.stderr.flush()
        wire.write_frame(answers, answer)


def main() -> None:
    """Entry point: the output files, the stack file, the start method and the student's module
    come on the command line."""
    stdout_path, stderr_path, stack_path, start_method, module = sys.argv[1:6]
    requests, answers = _take_standard_streams(stdout_path, stderr_path)
    _dump_stacks_on_request(stack_path)
    import multiprocessing

    from student_runtime.instruments import started

    multiprocessing.set_start_method(start_method, force=True)
    started.remember_targets()
    if start_method == "forkserver":
        # Started now, while the grader collects its checks, so that the first check to start
        # a process is not charged the forkserver's own start.
        from multiprocessing import forkserver

        forkserver.ensure_running()
    _import_early(module)
    serve(requests, answers)
    sys.stdout.flush()
    sys.stderr.flush()
    # A student's unjoined non-daemon process would make a normal exit wait for it.
    os._exit(0)


# The student's module, imported before the grader asks for it: while the grader collects its
# checks rather than after. Its outcome (the module or what the import raised) is handed over
# at the grader's first ask, so that the module's code runs once.
_imported_early: dict[str, object] = {}


def _import_early(name: str) -> None:
    try:
        _imported_early[name] = importlib.import_module(name)
    except BaseException as error:  # noqa: BLE001 - the student's module may raise anything
        _imported_early[name] = error


def import_module(name: str):
    """Import a module by name (the grader's first call), returned as a handle."""
    outcome = _imported_early.pop(name, None)
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome if outcome is not None else importlib.import_module(name)
