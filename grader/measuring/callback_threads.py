"""The grader's reading of what ended threads of the student's process (the file that
student_runtime.instruments.thread_errors writes there).

A callback that raises ends the Pool's result thread in the student's process. What that
process noted is its own account: it can say why a call failed (or hung), never pass one, so
anything malformed is dropped rather than trusted.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath

from grader.call_errors import StudentException


def thread_errors(path: Path) -> list[tuple[str, StudentException]]:
    """(thread name, exception) for each exception noted in the file so far, oldest first."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        try:
            noted = json.loads(line)
            found.append((str(noted.get("thread", ""))[:100], StudentException(noted["error"])))
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
    return found


def line_in_module(frames: list, module_file: str) -> str:
    """' at <folder>/<module_file>:LINE' for the deepest of the frames in the student's module
    of that name (not one of the kit's own), else ''."""
    found = ""
    for frame in frames:
        try:
            path, line = PurePath(str(frame[0])), int(frame[1])
        except (TypeError, ValueError, IndexError):
            continue
        if path.name == module_file and not {"grader", "student_runtime"} & set(path.parts):
            found = f" at {path.parent.name}/{path.name}:{line}"
    return found
