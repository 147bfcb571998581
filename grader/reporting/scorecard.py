"""The JSON scorecard: built by pure functions from the runs, written atomically, validated.

Its layout is a contract with instructors' tooling; change it only together with
SCHEMA_VERSION and schema.json (the scorecard's JSON Schema).
"""

from __future__ import annotations

import errno
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

from grader import __version__
from grader.reporting.outcomes import CheckResult, TopicRun
from grader.reporting.integrity import grader_digest, sha256_of
from grader.reporting.verdicts import NOT_STARTED_PREFIX
from grader.settings import Settings
from grader.topics import Topic

SCHEMA_VERSION = "1.6"
# Statuses that say nothing about the student's code: the topic was not graded in that run.
NOT_A_RESULT = ("not_graded", "not_available")
SCHEMA_PATH = Path(__file__).with_name("schema.json")
UNKNOWN_STUDENT = {"name": None, "login": None, "repository": None, "commit": None,
                   "source": "unknown"}
NOT_GRADED = ("Not graded: the run was interrupted before this topic finished, so it counts 0 of "
              "its {points} points. Run `grade {id}` to grade it.")
NOT_GRADED_AFTER_FAILURE = ("Not graded: --exitfirst stopped at the first failure, in an earlier "
                            "topic. Run `grade {id}` to grade it.")


def check_entry(check: CheckResult, with_output: bool = False) -> dict:
    """A check as the scorecard shows it. A skipped check neither earns nor costs points, unless
    --exitfirst skipped it: then it counts in the maximum, as a check not graded.

    with_output (grade --verbose) adds what the student's code printed during the check.
    """
    counted = check.outcome != "skipped" or check.stopped_early
    metrics = dict(check.metrics)
    if not counted:
        metrics["points_if_run"] = check.max_points
    entry = {
        "name": check.name,
        "kind": check.kind,
        "outcome": check.outcome,
        "points": check.max_points if check.outcome == "passed" else 0,
        "max_points": check.max_points if counted else 0,
        "message": check.message,
        "duration_s": check.duration_s,
        "metrics": metrics,
    }
    if with_output:
        entry["output"] = {"stdout": check.stdout, "stderr": check.stderr}
    return entry


def first_failing_check(run: TopicRun) -> CheckResult | None:
    """The first check, in suite order, that neither passed nor was skipped."""
    return next((c for c in run.checks if c.outcome not in ("passed", "skipped")), None)


def topic_status(run: TopicRun) -> str:
    """passed, failed, error, timeout or not_started, from the run's problem and its checks."""
    if run.problem:
        return run.problem
    outcomes = {c.outcome for c in run.checks}
    if outcomes <= {"passed", "skipped"}:
        return "passed"
    failing = [c for c in run.checks if c.outcome not in ("passed", "skipped")]
    if all(c.not_started for c in failing) and "passed" not in outcomes:
        return "not_started"
    for status in ("timeout", "error"):
        if status in outcomes:
            return status
    return "failed"


def topic_message(run: TopicRun, status: str) -> str:
    """The one line a student reads first for this topic."""
    if run.problem:
        return run.message
    if status == "passed":
        return f"All {len(run.checks)} checks passed."
    first = next(c for c in run.checks if c.outcome not in ("passed", "skipped"))
    if status == "not_started":
        return f"Not started. First step: {first.message.removeprefix(NOT_STARTED_PREFIX)}"
    return f"{first.name}: {first.message}"


def topic_entry(run: TopicRun, with_output: bool = False) -> dict:
    """A topic as the scorecard shows it; with_output keeps what each check printed."""
    checks = [check_entry(c, with_output) for c in run.checks]
    status = topic_status(run)
    entry = {
        "id": run.topic.id,
        "title": run.topic.title,
        "section": run.topic.section,
        "track": run.topic.track,
        "score": sum(c["points"] for c in checks),
        "max_score": (sum(c["max_points"] for c in checks) if checks
                      else run.topic.points if run.counts else 0),
        "status": status,
        "message": topic_message(run, status),
        "duration_s": run.duration_s,
        "checks": checks,
        "leftovers": list(run.leftovers),
    }
    failing = first_failing_check(run)
    hint = run.topic.hint_for(failing.name if failing else None)
    if status != "passed" and hint:
        entry["hint"] = hint
    if status in ("error", "timeout"):
        entry["output_tail"] = run.log_tail
    return entry


def not_graded_entry(topic: Topic, message: str = NOT_GRADED) -> dict:
    """A topic a run never graded: no points, but its maximum still counts."""
    return {
        "id": topic.id,
        "title": topic.title,
        "section": topic.section,
        "track": topic.track,
        "score": 0,
        "max_score": topic.points,
        "status": "not_graded",
        "message": message.format(points=topic.points, id=topic.id),
        "checks": [],
    }


def environment(settings: Settings) -> dict:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "free_threaded": not getattr(sys, "_is_gil_enabled", lambda: True)(),
        "platform": platform.platform(),
        "usable_cpus": settings.cpus.count,
        "usable_cpus_source": settings.cpus.source,
        "start_method": settings.start_method,
        # Given to the suites when fewer CPUs are usable than the machine reports; only
        # Python 3.13 and later read it (then Pool() sizes itself to the usable CPUs).
        "python_cpu_count": settings.python_cpu_count,
        "python_cpu_count_read": sys.version_info >= (3, 13),
    }


def integrity(runs: list[TopicRun], settings: Settings) -> dict:
    """Hashes of the suites and student files graded, and of the grader's own code."""
    return {
        "suites": {run.topic.id: sha256_of(settings.suite_path(run.topic)) for run in runs},
        "graded_files": {run.topic.id: sha256_of(run.topic.module_file(settings.target.package_dir))
                         for run in runs},
        "grader": grader_digest(),
        "suites_source": settings.suites_source,
        "suites_dir": str(settings.suites_dir),
        "isolation": settings.isolation.as_record() if settings.isolation else {
            "mode": "not-decided", "user": None, "note": "no topic was graded"},
    }


def focus(settings: Settings) -> dict | None:
    """The checks a focused run was limited to, and whether it stopped at the first failure;
    None for a full run, whose scores can stand for the topics'."""
    if not settings.selected_checks and not settings.exitfirst:
        return None
    return {"checks": {topic_id: list(names) for topic_id, names in settings.selected_checks},
            "exitfirst": settings.exitfirst}


def track_totals(topics: list[dict]) -> dict[str, dict]:
    """Each track's own total over these topic entries, in the order the tracks appear."""
    totals: dict[str, dict] = {}
    for topic in topics:
        total = totals.setdefault(topic.get("track", "lesson"), {"score": 0, "max_score": 0})
        total["score"] += topic["score"]
        total["max_score"] += topic["max_score"]
    return totals


def build_scorecard(runs: list[TopicRun], settings: Settings, generated_at: str,
                    duration_s: float, interrupted: bool = False, student: dict | None = None,
                    stopped_early: bool = False) -> dict:
    """The whole scorecard for these runs; when interrupted (Ctrl-C) or stopped_early
    (--exitfirst), every topic asked for and not run is listed as not graded, so the maximum
    score is the full run's.

    student is who was graded (see grader.instructors.identity); unknown when not given.
    """
    topics = [topic_entry(run, settings.verbose) for run in runs]
    if interrupted or stopped_early:
        graded = {run.topic.id for run in runs}
        message = NOT_GRADED if interrupted else NOT_GRADED_AFTER_FAILURE
        topics += [not_graded_entry(topic, message) for topic in settings.topics
                   if topic.id not in graded]
    return {
        "schema_version": SCHEMA_VERSION,
        "kit_version": __version__,
        "generated_at": generated_at,
        "duration_s": round(duration_s, 3),
        "target": {"name": settings.target.label, "package": settings.target.package,
                   "path": str(settings.target.package_dir)},
        "student": student or UNKNOWN_STUDENT,
        "environment": environment(settings),
        "interrupted": interrupted,
        "focus": focus(settings),
        "score": sum(t["score"] for t in topics),
        "max_score": sum(t["max_score"] for t in topics),
        "tracks": track_totals(topics),
        "topics": topics,
        "integrity": integrity(runs, settings),
    }


def check_writable(path: Path) -> None:
    """Raise OSError, saying why, if write_atomically could not write a scorecard at path.

    Creates the missing folders and a scratch file, so the check is the write itself: permission
    bits alone cannot tell a read-only file system or /proc.
    """
    nearest = next(folder for folder in path.parents if folder.exists())
    if not nearest.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{nearest} is a file, not a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    os.unlink(scratch)


def _new_file_mode() -> int:
    """The mode open() gives a new file: 0666 less the process's umask."""
    # os.umask can only be read by setting it; nothing else runs while the scorecard is written.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(scorecard: dict, path: Path) -> None:
    """Write the scorecard so that a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            # mkstemp makes the file 0600 whatever the umask; a scorecard is shared like any file.
            os.chmod(tmp, _new_file_mode())
            json.dump(scorecard, file, indent=2)
            file.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_schema() -> dict:
    """The JSON Schema every scorecard conforms to."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
