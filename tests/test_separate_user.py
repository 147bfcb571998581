"""The trusted flow: as root, the student's code runs as an unprivileged user. Attacks that the
same user could always make (reading an ancestor's environment or memory through /proc) earn
nothing there."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import KIT_ROOT, skip_where_not_available
from grader import isolation
from grader.running import suite_forkserver

ATTACKS = KIT_ROOT / "tests" / "attacks"
SIGNING_KEY = "kit-test-signing-key-separate-user"
# Alone: while the interpreter's folders are opened to other users, any grading run as root
# would run its student as that user, and the end of each of its topics kills every process of it.
pytestmark = [pytest.mark.slow, pytest.mark.alone]


def _closed_folders(path: Path) -> list[Path]:
    """The folders above path that other users cannot pass through."""
    return [folder for folder in path.parents
            if not folder.stat().st_mode & stat.S_IXOTH]


@pytest.fixture
def separate_user():
    """Grading as root with a student user that can run this Python: where the interpreter sits
    in a folder only root may enter (a home folder), other users may pass through it (not list
    it) for the test's length."""
    if os.name == "nt" or os.geteuid() != 0:
        pytest.skip("a separate student user needs the grader to run as root")
    opened = [(folder, folder.stat().st_mode)
              for folder in _closed_folders(Path(sys.executable).resolve())]
    try:
        for folder, mode in opened:
            folder.chmod(mode | stat.S_IXOTH)
        decided = isolation.decide()
        if decided.mode != isolation.SEPARATE_USER:
            pytest.skip(decided.note)
        yield decided
    finally:
        for folder, mode in opened:
            folder.chmod(mode)


def test_the_reference_gets_full_marks_as_another_user(grade, separate_user):
    run = grade("pool_map", "--target", "solutions")
    assert run.scorecard["integrity"]["isolation"]["mode"] == "separate-user"
    assert run.topic("pool_map")["score"] == 10


def test_a_dask_cluster_runs_as_another_user(grade, separate_user):
    # Its workers, its scratch space and its sockets all belong to the student user; the
    # grader, as root, still kills one of them and sees them end.
    skip_where_not_available("dask_cluster")
    run = grade("dask_cluster", "--target", "solutions")
    assert run.scorecard["integrity"]["isolation"]["mode"] == "separate-user"
    topic = run.topic("dask_cluster")
    assert topic["score"] == topic["max_score"], [c["message"] for c in topic["checks"]]


def test_the_graders_environment_is_out_of_reach(grade, separate_user, monkeypatch):
    monkeypatch.setenv("GRADER_SIGNING_KEY", SIGNING_KEY)
    run = grade("pool_map", "--target", str(ATTACKS / "reads_the_graders_environment"))
    assert run.topic("pool_map")["score"] == 0
    assert SIGNING_KEY not in json.dumps(run.scorecard) + run.output
    assert "found: None" in run.check("pool_map", "chunksize_rule")["message"]


def test_the_suite_forkserver_is_out_of_reach(grade, separate_user):
    mark = Path(tempfile.gettempdir()) / "grader-attack-forkserver-ran"
    mark.unlink(missing_ok=True)
    run = grade("pool_map", "--target", str(ATTACKS / "reaches_the_forkserver"))
    assert run.topic("pool_map")["score"] == 0
    message = run.check("pool_map", "chunksize_rule")["message"]
    if suite_forkserver.available():
        assert "forkserver found: 1; requests written: 0" in message, message
    time.sleep(1)  # a forked suite, had one been forked, would have run its check by now
    assert not mark.exists()


def test_every_process_of_the_student_user_ends_with_its_topic(grade, separate_user):
    grade("pool_map", "--target", str(ATTACKS / "outlives_its_topic"))
    assert not isolation_user_processes(separate_user.user.uid)


def isolation_user_processes(uid: int) -> list[int]:
    """The running processes of this user (a zombie has ended; only its parent's reaping is
    left, and an init that never reaps keeps it listed)."""
    import psutil

    return [p.pid for p in psutil.process_iter(["uids", "status"])
            if p.info["uids"] and uid in (p.info["uids"].real, p.info["uids"].effective)
            and p.info["status"] != psutil.STATUS_ZOMBIE]
