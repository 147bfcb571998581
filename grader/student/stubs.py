"""Restoring a topic's original stub (grader.originals) over a student's file safely."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path


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
