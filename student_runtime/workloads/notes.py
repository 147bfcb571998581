"""Where tasks note what they did: in files any process can read, and at the grader's desk.

A task notes each event (it began, it ended, it was handed an item, it died) under a kind, in
a folder: one file per process and kind, which every process can append to and read, whichever
start method made it. Other tasks read these files to pace themselves.

Where the grader keeps a desk, each note also goes there, as a datagram to the Unix socket
named in the environment. The operating system attaches to every datagram the pid of the
process that sent it, and the grader stamps the moment it arrived, so the grader reads who did
what, and when, from its own side (`read_from` is how it reads its desk instead of the files).
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

# The grader's desk, if it keeps one: the path of its socket.
DESK_VARIABLE = "KIT_TASK_DESK"
# A pausing task tells the desk this often that it waits on purpose.
PAUSE_HEARTBEAT_S = 0.5


@dataclass(frozen=True)
class Note:
    """One noted event: the process that noted it, when, and what it said."""

    pid: int
    at: float
    text: str


def note(folder: str | os.PathLike, kind: str, text: str = "", at: float | None = None,
         keep_file: bool = True) -> None:
    """Note an event of this process: append it to `<pid>.<kind>` in folder, and tell the desk.

    keep_file=False tells the desk only, for events no task reads back.
    """
    at = time.monotonic() if at is None else at
    if keep_file:
        line = f"{at!r} {text}\n"
        with open(Path(folder) / f"{os.getpid()}.{kind}", "a", encoding="utf-8") as file:
            file.write(line)
    _tell_desk({"folder": str(folder), "kind": kind, "text": text, "at": at})


def pause(seconds: float) -> None:
    """time.sleep(seconds), telling the desk every PAUSE_HEARTBEAT_S that this process waits on
    purpose: the grader calls a hang when none of the student's processes does anything, and a
    task of the grader's that pauses must not look like one."""
    ends = time.monotonic() + seconds
    while (left := ends - time.monotonic()) > 0:
        still_waiting()
        time.sleep(min(left, PAUSE_HEARTBEAT_S))


_last_heartbeat = float("-inf")


def still_waiting() -> None:
    """Tell the desk, at most every PAUSE_HEARTBEAT_S, that this process is about the grader's
    business: a task that pauses, or polls for other tasks within a time limit of its own, or a
    worker using the numbers the grader serves."""
    global _last_heartbeat
    now = time.monotonic()
    if now - _last_heartbeat >= PAUSE_HEARTBEAT_S:
        _last_heartbeat = now
        _tell_desk({"waiting": True})


def noted(folder: str | os.PathLike, kind: str) -> list[Note]:
    """Every note of this kind in folder so far, in the order they were made."""
    if _reader is not None:
        return _reader.notes(str(folder), kind)
    found = []
    for path in Path(folder).glob(f"*.{kind}"):
        for line in path.read_text(encoding="utf-8").splitlines():
            at, _, text = line.partition(" ")
            try:
                found.append(Note(int(path.stem), float(at), text))
            except ValueError:
                continue  # a line being written as it is read
    return sorted(found, key=lambda found_note: found_note.at)


def noting_processes(folder: str | os.PathLike, kind: str) -> set[int]:
    """The processes that noted at least one event of this kind in folder."""
    return {found_note.pid for found_note in noted(folder, kind)}


def forget(folder: str | os.PathLike, kind: str) -> None:
    """Drop the notes of this kind in folder (the grader's, read from its desk, too)."""
    for path in Path(folder).glob(f"*.{kind}"):
        path.unlink()
    if _reader is not None:
        _reader.forget(str(folder), kind)


# -- the grader's side -------------------------------------------------------------------------

_reader = None


def from_desk() -> bool:
    """Whether notes are read from the grader's desk here (in the grading process)."""
    return _reader is not None


def read_from(desk) -> None:
    """Read notes from the grader's desk (an object with notes() and forget()), not from files.

    Called in the grading process only: what the student's processes read stays the files.
    """
    global _reader
    _reader = desk


# -- the student's side ------------------------------------------------------------------------

_socket: socket.socket | None = None


def _tell_desk(message: dict) -> None:
    address = os.environ.get(DESK_VARIABLE)
    if not address:
        return
    global _socket
    try:
        if _socket is None:
            _socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        _socket.sendto(json.dumps(message).encode("utf-8"), address)
    except (OSError, AttributeError):
        pass  # no desk (it has closed, or this system has none): the files still hold the note
