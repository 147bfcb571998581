"""Shared numbers that live in the grader, for the race checks: a Value and an Array whose
every read, write and lock goes to the grader over a local socket.

They behave like multiprocessing.Value and Array (`value`, `[i]`, `get_lock()`, reaching a
child only through Process args or a Pool's initializer), but the numbers, the lock and the
tally of who wrote what are kept by the grader, which learns each caller's pid from the
operating system rather than from the caller. So the final count is one the student's code
did not report, and "which processes wrote it" is the kernel's word.

Every thread of every process opens its own connection on first use, so a child never speaks
through its parent's.
"""

from __future__ import annotations

import json
import os
import socket
import threading

from student_runtime.workloads import notes

# Set in the grader's own process, which hands these objects to the student's code; anywhere
# else, pickling one outside of starting a process fails, as it does for a real Value.
pickling_allowed = False
_connections: dict[str, tuple[int, socket.socket, object]] = {}
_connections_lock = threading.Lock()
# The errors the grader's side answers with, raised here as the real object would raise them.
_ERRORS = {error.__name__: error for error in (KeyError, IndexError, TypeError, ValueError)}


def _connection(address: str):
    # One connection per thread: a thread waiting for the lock must not block the one that
    # holds it from releasing it.
    key = f"{address} {threading.get_ident()}"
    with _connections_lock:
        known = _connections.get(key)
        if known is None or known[0] != os.getpid():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(address)
            known = (os.getpid(), sock, threading.Lock())
            _connections[key] = known
            _send(known, {"op": "hello", "pid": os.getpid()})
        return known


def _send(connection, request: dict):
    _, sock, lock = connection
    with lock:
        sock.sendall(json.dumps(request).encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("the grader closed this shared object")
            reply += chunk
    answer = json.loads(reply)
    if "error" in answer:
        raise _ERRORS.get(answer.get("kind"), RuntimeError)(answer["error"])
    return answer.get("value")


def _call(address: str, op: str, **fields):
    # Word to the grader, as a task's note is: workers busy with its store are not hung.
    notes.still_waiting()
    return _send(_connection(address), {"op": op, "thread": threading.get_ident(), **fields})


def _assert_spawning(obj) -> None:
    if pickling_allowed:
        return
    from multiprocessing import context

    if context.get_spawning_popen() is None:
        raise RuntimeError(f"{type(obj).__name__} objects should only be shared between "
                           "processes through inheritance")


class ServedLock:
    """The lock of a served Value or Array, as get_lock() gives it; re-entrant like theirs."""

    def __init__(self, address: str) -> None:
        self._address = address

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        return bool(_call(self._address, "acquire", block=block, timeout=timeout))

    def release(self) -> None:
        _call(self._address, "release")

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()

    def __reduce__(self):
        _assert_spawning(self)
        return (ServedLock, (self._address,))


class _Served:
    def __init__(self, address: str) -> None:
        self._address = address

    def get_lock(self) -> ServedLock:
        """The lock that guards this object, as with multiprocessing.Value.get_lock()."""
        return ServedLock(self._address)

    def __reduce__(self):
        _assert_spawning(self)
        return (type(self), (self._address,))


class ServedValue(_Served):
    """A stand-in for multiprocessing.Value kept by the grader."""

    @property
    def value(self):
        return _call(self._address, "get", index=0)

    @value.setter
    def value(self, new) -> None:
        _call(self._address, "set", index=0, value=new)

    def __repr__(self) -> str:
        return "<ServedValue>"


class ServedArray(_Served):
    """A stand-in for multiprocessing.Array kept by the grader."""

    def __len__(self) -> int:
        return int(_call(self._address, "len"))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return _call(self._address, "get", index=index)

    def __setitem__(self, index, new) -> None:
        _call(self._address, "set", index=index, value=new)

    def __iter__(self):
        return iter(self[:])

    def __repr__(self) -> str:
        return "<ServedArray>"
