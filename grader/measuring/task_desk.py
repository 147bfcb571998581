"""The grader's desk: where tasks' notes arrive, with the sender named by the operating system.

Tasks that run in the student's processes note what they do (`student_runtime.workloads.notes`).
Their files are the student's to write; the desk is the grader's. It is a Unix datagram socket
with SO_PASSCRED set, so Linux attaches to every datagram the pid of the process that really
sent it. The moment of a note is the task's own clock reading, held within SLACK_S before the
moment the desk received it, and never after: a process can neither claim a note for another
process nor move it far in time.

Where the system cannot name a datagram's sender (macOS, Windows), there is no desk, and the
grader reads the files.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import threading
import time
from collections import defaultdict
from pathlib import Path

from student_runtime.workloads.notes import Note

# A note's own time may be this much older than its arrival; a process that waited longer
# between reading the clock and sending is taken at the moment of arrival.
SLACK_S = 0.05
MAX_NOTE_BYTES = 64 * 1024
CREDENTIALS = struct.Struct("3i")


def desk_possible() -> bool:
    """Whether this system names the sender of each datagram (Linux)."""
    return hasattr(socket, "SO_PASSCRED") and hasattr(socket, "SCM_CREDENTIALS")


class TaskDesk:
    """Notes received from the student's processes, by folder and kind, in order of arrival."""

    def __init__(self, folder: Path, user=None) -> None:
        self.address = str(folder / "desk.sock")
        self._notes: dict[tuple[str, str], list[Note]] = defaultdict(list)
        self._lock = threading.Lock()
        self._arrivals = threading.Condition()
        self._markers_sent = self._markers_seen = 0
        self._last_heard = 0.0
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        self._socket.bind(self.address)
        os.chmod(self.address, 0o777)
        if user is not None:
            os.chown(self.address, user.uid, user.gid)
        threading.Thread(target=self._receive, daemon=True, name="task-desk").start()

    def last_heard(self) -> float:
        """When a datagram last came from another process (time.monotonic()): a note, or a
        task's word that it pauses on purpose (`notes.pause`)."""
        return self._last_heard

    def notes(self, folder: str, kind: str) -> list[Note]:
        """The notes of this kind received for folder so far, in the order of their moments."""
        self.settle()
        with self._lock:
            return sorted(self._notes.get((folder, kind), []), key=lambda note: note.at)

    def forget(self, folder: str, kind: str) -> None:
        """Drop the notes of this kind received for folder."""
        self.settle()
        with self._lock:
            self._notes.pop((folder, kind), None)

    def settle(self, limit_s: float = 1.0) -> None:
        """Wait until every note sent so far has been taken in.

        The socket's queue keeps the order of arrival, so once a marker sent now comes through,
        so has everything before it.
        """
        with self._arrivals:
            self._markers_sent += 1
            marker = self._markers_sent
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
                sender.sendto(json.dumps({"marker": marker}).encode(), self.address)
        except OSError:
            return
        with self._arrivals:
            self._arrivals.wait_for(lambda: self._markers_seen >= marker, limit_s)

    def close(self) -> None:
        self._socket.close()
        try:
            os.unlink(self.address)
        except OSError:
            pass

    def _receive(self) -> None:
        space = socket.CMSG_SPACE(CREDENTIALS.size)
        while True:
            try:
                data, ancillary, _, _ = self._socket.recvmsg(MAX_NOTE_BYTES, space)
            except OSError:
                return
            arrived = time.monotonic()
            pid = next((CREDENTIALS.unpack(cmsg_data[:CREDENTIALS.size])[0]
                        for level, kind, cmsg_data in ancillary
                        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS), None)
            if pid and pid != os.getpid():
                self._last_heard = arrived
            try:
                message = json.loads(data)
                if pid == os.getpid() and "marker" in message:
                    with self._arrivals:
                        self._markers_seen = max(self._markers_seen, int(message["marker"]))
                        self._arrivals.notify_all()
                    continue
                folder, kind, text = (str(message["folder"]), str(message["kind"]),
                                      str(message["text"]))
                claimed = float(message["at"])
            except (ValueError, TypeError, KeyError):
                continue  # not a note: dropped
            if not pid:
                continue
            at = min(arrived, max(claimed, arrived - SLACK_S))
            with self._lock:
                self._notes[(folder, kind)].append(Note(pid, at, text))
