"""Who was graded, and which commit: from --student, else the CI environment, else git.

A student's own machine or CI can claim any name; the identity is a label for the gradebook,
not proof. Proof comes from a run the instructor controls (see the README's trusted grading).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_TIMEOUT_S = 5.0
# Per CI system: the variables that hold the login, the name, the repository and the commit.
CI_VARIABLES = (
    ("GITHUB_ACTIONS", "GITHUB_ACTOR", None, "GITHUB_REPOSITORY", "GITHUB_SHA"),
    ("GITLAB_CI", "GITLAB_USER_LOGIN", "GITLAB_USER_NAME", "CI_PROJECT_PATH", "CI_COMMIT_SHA"),
)


def _git(folder: Path, *args: str) -> str | None:
    """One line of git's output, or None when git is missing, fails or takes too long."""
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    line = done.stdout.strip()
    return line if done.returncode == 0 and line else None


def _from_ci(environ) -> dict | None:
    for flag, login, name, repository, commit in CI_VARIABLES:
        if environ.get(flag):
            return {"name": environ.get(name) if name else None, "login": environ.get(login) or None,
                    "repository": environ.get(repository) or None,
                    "commit": environ.get(commit) or None}
    return None


def student_identity(folder: Path, student: str | None = None, environ=os.environ) -> dict:
    """The scorecard's `student`: name, login, repository, commit, the commit's date and where
    the name came from.

    The name comes from --student, else the CI environment, else git config. The commit and
    repository come from the graded folder's git checkout when it is one (in an instructor's
    run, that is the student's checkout, not the CI's own), else from the CI environment.
    """
    ci = _from_ci(environ) or {}
    if student:
        found = {"name": student, "login": student, "source": "option"}
    elif ci:
        found = {"name": ci["name"], "login": ci["login"], "source": "environment"}
    else:
        name = _git(folder, "config", "user.name")
        email = _git(folder, "config", "user.email")
        found = {"name": name, "login": email.split("@")[0] if email else None,
                 "source": "git" if name or email else "unknown"}
    found["repository"] = _git(folder, "remote", "get-url", "origin") or ci.get("repository")
    found["commit"] = _git(folder, "rev-parse", "HEAD") or ci.get("commit")
    # The commit's own date, which a deadline is set against; the student's git writes it.
    found["committed_at"] = _git(folder, "log", "-1", "--format=%cI")
    return {key: found[key]
            for key in ("name", "login", "repository", "commit", "committed_at", "source")}
