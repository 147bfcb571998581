"""Who the student's code runs as: another, unprivileged user when the grader runs as root.

As root (a CI container, Gradescope) the grader runs the student's processes as the user
STUDENT_USER, created on first use. That user cannot read what only root may read (a signing
key in root's environment, private suites kept in a folder of root's), cannot write the
scorecard, and every process it runs is killed after each topic. Elsewhere the student's code
runs as the grader's own user, in a process of its own: a student grading themselves cheats
nobody. The scorecard records which of the two a run had, and why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

from grader import system

STUDENT_USER = "grade-student"
# What the scorecard's integrity.isolation says.
SEPARATE_USER, OWN_PROCESS = "separate-user", "own-process"


@dataclass(frozen=True)
class Isolation:
    """The isolation of one run: its mode, the student user when there is one, and why."""

    mode: str
    user: system.StudentUser | None
    note: str

    def as_record(self) -> dict:
        """For the scorecard."""
        return {"mode": self.mode, "user": self.user.name if self.user else None,
                "note": self.note}


def _can_run_python(user: system.StudentUser) -> bool:
    """Whether the user can start this Python (it may live in a folder only root can enter)."""
    try:
        result = subprocess.run([sys.executable, "-S", "-c", "pass"], cwd="/",
                                stdin=subprocess.DEVNULL, capture_output=True, timeout=20,
                                env={"PATH": os.environ.get("PATH", "")},
                                **system.run_as_options(user))
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def _create_user() -> None:
    if shutil.which("useradd"):
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        STUDENT_USER], capture_output=True, timeout=30)


def decide() -> Isolation:
    """The isolation this run can have: a separate user where we are root and it works."""
    if os.name == "nt" or os.geteuid() != 0:
        return Isolation(OWN_PROCESS, None, "the grader does not run as root, so the student's "
                         "code runs as the same user, in a process of its own")
    user = system.student_user_named(STUDENT_USER)
    if user is None:
        _create_user()
        user = system.student_user_named(STUDENT_USER)
    if user is None:
        return Isolation(OWN_PROCESS, None, f"the user {STUDENT_USER} could not be created "
                         "(no useradd here); create it to run students' code apart")
    if not _can_run_python(user):
        return Isolation(OWN_PROCESS, None, f"the user {STUDENT_USER} cannot run "
                         f"{sys.executable} (it lies in a folder only root may enter); install "
                         "Python where every user can run it, such as /usr/local or /opt")
    return Isolation(SEPARATE_USER, user, f"the student's code ran as the user {STUDENT_USER}")
