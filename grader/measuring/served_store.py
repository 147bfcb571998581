"""The grader's side of the served Value, Array, manager dict, Namespace and Lock
(student_runtime.instruments.served and served_manager).

A thread of the grading process keeps the numbers and their lock, and answers each of the
student's processes over a Unix socket. It learns who is calling from the operating system
(SO_PEERCRED on Linux, LOCAL_PEERPID on macOS), so the tally of which processes wrote, and how
many writes were made without the lock, is the grader's own, as is the final count. A read made
without holding the lock by any process but the one the grader calls into waits a little before
it answers, widening the window in which another process can read the same value: unlocked code
then loses updates on every run. The first
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
from contextlib import contextmanager
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

    contents is the size of a zeroed array (a Value is one number), or a dict of the starting
    keys and numbers (a manager's dict or Namespace). creator_pid is the student's process that
    the grader calls into: its reads (the final value) neither pause nor wait for the workers;
    None when the race is between the threads of one process. reentrant=False makes the lock
    behave like a manager's Lock or a threading.Lock, which its holder cannot take twice, rather
    than like a Value's RLock. read_modify_writes counts the writes that followed a read of the
    same entry by the same thread, and lost_updates those of them computed from a value that
    another write had changed since.
    """

    def __init__(self, folder: Path, contents: int | dict, workers: int,
                 creator_pid: int | None, window_s: float = WINDOW_S, user=None,
                 reentrant: bool = True) -> None:
        self.values = dict(contents) if isinstance(contents, dict) else [0] * contents
        self.reentrant = reentrant
        self.workers = workers
        self.creator_pid = creator_pid
        self.window_s = window_s
        self.writes = Counter()
        self.unlocked_writes = 0
        self.lost_updates = 0
        self.read_modify_writes = 0
        self._versions = Counter()
        self._read_versions: dict[tuple, int] = {}
        self._writers: dict[object, set[tuple]] = {}
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

    def writer_threads(self, index) -> int:
        """How many threads, of any process, wrote this entry."""
        with self._state:
            return len(self._writers.get(index, ()))

    @property
    def workers_arrived(self) -> int:
        """How many worker processes touched the store before the common start."""
        return len(self._arrived)

    def close(self) -> None:
        self._closed = True
        with self._state:
            self._state.notify_all()  # a caller still waiting for the lock gives up
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
                    said = error.args[0] if isinstance(error, KeyError) else str(error)
                    reply = {"error": said, "kind": type(error).__name__}
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
        if op == "items":
            return list(self._items())
        self._await_start(pid)
        if op == "get":
            index = self._index(request["index"])
            with self._state:
                value = self.values[index]
                self._read_versions[holder, index] = self._versions[index]
            if self._owner != holder and self.window_s and pid != self.creator_pid:
                time.sleep(self.window_s)
            return value
        if op == "set":
            value = request["value"]
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise TypeError("a shared number takes a number")
            index = self._index(request["index"], setting=True)
            with self._state:
                if self._owner != holder:
                    self.unlocked_writes += 1
                read_version = self._read_versions.pop((holder, index), None)
                self.read_modify_writes += read_version is not None
                if read_version is not None and read_version != self._versions[index]:
                    # Computed from a value that another write has changed since: that one is lost.
                    self.lost_updates += 1
                self._versions[index] += 1
                self.writes[pid] += 1
                self._writers.setdefault(index, set()).add(holder)
                self.values[index] = value
            return None
        if op == "acquire":
            return self._acquire(holder, bool(request.get("block", True)), request.get("timeout"))
        if op == "release":
            self._release(holder)
            return None
        raise ValueError(f"unknown operation {op!r}")

    def _items(self):
        return self.values.items() if isinstance(self.values, dict) else enumerate(self.values)

    def _index(self, index, setting: bool = False):
        if isinstance(self.values, list):
            return int(index)
        if not isinstance(index, (str, int)) or isinstance(index, bool):
            raise TypeError("a shared dict here takes string or integer keys")
        if not setting and index not in self.values:
            raise KeyError(index)
        return index

    def _release(self, holder: tuple) -> None:
        with self._state:
            if self._owner is None:
                raise ValueError("release() of a lock that is not held")
            # A manager's Lock is a threading.Lock: any caller may release it.
            if self.reentrant and self._owner != holder:
                raise ValueError("release() of a lock this process does not hold")
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._state.notify_all()

    def _acquire(self, holder: tuple, block: bool, timeout) -> bool:
        deadline = None if timeout is None else time.monotonic() + float(timeout)
        free = (None, holder) if self.reentrant else (None,)
        with self._state:
            while self._owner not in free and not self._closed:
                if not block:
                    return False
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._state.wait(left)
            if self._closed:
                return False
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


@contextmanager
def served_store(student, scratch: Path, contents: int | dict, workers: int,
                 window_s: float = WINDOW_S, reentrant: bool = True, caller_pauses: bool = False):
    """A ServedStore for one check, reachable by the student's processes, closed when it ends.

    caller_pauses=True widens the window in the student's own process too, for races between
    its threads.
    """
    store = ServedStore(scratch, contents, workers, None if caller_pauses else student.pid,
                        window_s, user=student.config.run_as,
                        reentrant=reentrant)
    try:
        yield store
    finally:
        store.close()
