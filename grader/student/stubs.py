"""The original stubs the kit shipped, and restoring one over a student's file safely.

A class release holds them in grader/student/originals/, written by `grade release` from the
instructor's exercises/. The kit's own repository holds no copy: there they are exercises/ as
git's HEAD has it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from grader.settings import KIT_ROOT
from grader.topics import Topic

ORIGINALS_DIR = Path(__file__).with_name("originals")
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


def backup_path(file: Path, now: datetime) -> Path:
    """A backup name beside file, `<name>.bak-YYYYmmdd-HHMMSS`, that no existing file has."""
    base = file.with_name(f"{file.name}.bak-{now:%Y%m%d-%H%M%S}")
    candidate, number = base, 1
    while candidate.exists():
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


def keep_backup(file: Path, now: datetime) -> Path:
    """Copy file to a new backup beside it and return the backup's path; never overwrites."""
    while True:
        backup = backup_path(file, now)
        try:
            # Exclusive creation: a backup made meanwhile under the same name is never replaced.
            with open(backup, "xb") as copy:
                copy.write(file.read_bytes())
        except FileExistsError:
            continue
        shutil.copystat(file, backup)
        return backup


def write_stub(stub: bytes, file: Path) -> None:
    """Replace file with the stub all at once, so that it is never left half written."""
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(stub)
        # mkstemp makes the file private; keep the permissions the student's file had, or give
        # a new one the usual permissions.
        if file.exists():
            shutil.copymode(file, tmp)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
