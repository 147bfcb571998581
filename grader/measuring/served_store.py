"""The grader's side of the served Value and Array (student_runtime.instruments.served).

A thread of the grading process keeps the numbers and their lock, and answers each of the
student's processes over a Unix socket. It learns who is calling from the operating system
(SO_PEERCRED on Linux, LOCAL_PEERPID on macOS), so the tally of which processes wrote, and how
many writes were made without the lock, is the grader's own, as is the final count. A read made
without holding the lock waits a little before it answers, widening the window in which another
process can read the same value: unlocked code then loses updates on every run. The first
touch of each worker waits until all the expected workers are there, so that they start
together.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from student_runtime.instruments import served

WINDOW_S = 0.0005
START_TIMEOUT_S = 2.0
# macOS: getsockopt(SOL_LOCAL, LOCAL_PEERPID).
SOL_LOCAL, LOCAL_PEERPID = 0, 2


def _peer_pid(conn: socket.socket) -> int | None:
    """The caller's pid as the operating system knows it, or None where it does not say."""
    try:
        if sys.platform.startswith("linux"):
            pid, _, _ = struct.unpack("3i", conn.getsockopt(
                socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
            return pid
        if sys.platform == "darwin":
            return struct.unpack("i", conn.getsockopt(SOL_LOCAL, LOCAL_PEERPID, 4))[0]
    except OSError:
        pass
    return None


class ServedStore:
    """Numbers kept for the student's processes, with their lock and the tally of writers.

    creator_pid is the student's process that the grader calls into: its reads (the final
    value) do not wait for the other workers.
    """

    def __init__(self, folder: Path, size: int, workers: int, creator_pid: int | None,
                 window_s: float = WINDOW_S, user=None) -> None:
        self.values = [0] * size
        self.workers = workers
        self.creator_pid = creator_pid
        self.window_s = window_s
        self.writes = Counter()
        self.unlocked_writes = 0
        self.attested = True
        self._owner: tuple | None = None
        self._depth = 0
        self._state = threading.Condition()
        self._arrived: set[int] = set()
        self._started = threading.Event()
        self.address = str(folder / f"served-{id(self):x}.sock")
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.address)
        os.chmod(self.address, 0o777)
        if user is not None:
            os.chown(self.address, user.uid, user.gid)
        self._server.listen(64)
        self._closed = False
        served.pickling_allowed = True
        threading.Thread(target=self._accept, daemon=True, name="served-store").start()

    # -- what the check reads ---------------------------------------------------------------

    @property
    def writer_pids(self) -> set[int]:
        """The processes that wrote, as the operating system named them."""
        return set(self.writes)

    def close(self) -> None:
        self._closed = True
        self._server.close()
        try:
            os.unlink(self.address)
        except OSError:
            pass

    # -- serving -----------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        pid = _peer_pid(conn)
        reader = conn.makefile("rb")
        try:
            for line in reader:
                try:
                    request = json.loads(line)
                    if pid is None and request.get("op") == "hello":
                        self.attested = False
                        pid = int(request.get("pid", 0))
                    # A lock is held by a thread of a process, as a multiprocessing RLock is.
                    reply = {"value": self._handle(pid, request, (pid, request.get("thread")))}
                except (ValueError, TypeError, KeyError, IndexError) as error:
                    reply = {"error": f"{type(error).__name__}: {error}"}
                conn.sendall(json.dumps(reply).encode() + b"\n")
        except OSError:
            pass
        finally:
            conn.close()

    def _handle(self, pid: int, request: dict, holder: tuple):
        op = request["op"]
        if op == "hello":
            return None
        if op == "len":
            return len(self.values)
        self._await_start(pid)
        if op == "get":
            value = self.values[int(request["index"])]
            if self._owner != holder and self.window_s:
                time.sleep(self.window_s)
            return value
        if op == "set":
            value = request["value"]
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise TypeError("a shared number takes a number")
            with self._state:
                if self._owner != holder:
                    self.unlocked_writes += 1
                self.writes[pid] += 1
            self.values[int(request["index"])] = value
            return None
        if op == "acquire":
            return self._acquire(holder, bool(request.get("block", True)), request.get("timeout"))
        if op == "release":
            with self._state:
                if self._owner != holder:
                    raise ValueError("release() of a lock this process does not hold")
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self._state.notify_all()
            return None
        raise ValueError(f"unknown operation {op!r}")

    def _acquire(self, holder: tuple, block: bool, timeout) -> bool:
        deadline = None if timeout is None else time.monotonic() + float(timeout)
        with self._state:
            while self._owner not in (None, holder):
                if not block:
                    return False
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._state.wait(left)
            # Like a real lock, one whose holder dies stays held: code that waits on it hangs.
            self._owner = holder
            self._depth += 1
            return True

    def _await_start(self, pid: int) -> None:
        if pid == self.creator_pid or self.workers < 2 or self._started.is_set():
            return
        with self._state:
            self._arrived.add(pid)
            if len(self._arrived) >= self.workers:
                self._started.set()
        if not self._started.wait(START_TIMEOUT_S):
            self._started.set()  # fewer workers came than expected: the others go on at once
