"""The original stubs the kit shipped, as `grade reset` and `grade release` find them.

A class release holds them in grader/student/originals/, written by `grade release`. The kit's
own repository holds no copy: there they are exercises/ as git's HEAD has it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from grader.settings import KIT_ROOT
from grader.topics import Topic

ORIGINALS_DIR = Path(__file__).resolve().parent / "student" / "originals"
GIT_WAIT_S = 10


def original_stub(topic: Topic) -> bytes | None:
    """The topic's stub as the kit shipped it; None when neither a release's copy nor git has it."""
    shipped = ORIGINALS_DIR / f"{topic.id}.py"
    if shipped.is_file():
        return shipped.read_bytes()
    try:
        committed = subprocess.run(
            ["git", "-C", str(KIT_ROOT), "show", f"HEAD:exercises/{topic.id}.py"],
            capture_output=True, timeout=GIT_WAIT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return committed.stdout if committed.returncode == 0 else None
