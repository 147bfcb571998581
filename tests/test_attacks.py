"""Attacks on the grader by a student who has read all of its code: each earns nothing, learns
nothing and leaves nothing. One folder in tests/attacks/ per attack, graded as the student's
package; the `grade` fixture also fails a run that leaves any process behind."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import KIT_ROOT, words_of

from grader.reporting.verdicts import OUTPUT_FLOOD
from grader.running import suite_forkserver

ATTACKS = KIT_ROOT / "tests" / "attacks"
SIGNING_KEY = "kit-test-signing-key-7f3a9c"
pytestmark = pytest.mark.slow


def graded(grade, attack: str, *args: str):
    return grade("pool_map", "--target", str(ATTACKS / attack), *args)


def test_forged_events_earn_nothing(grade):
    run = graded(grade, "forges_events")
    topic = run.topic("pool_map")
    assert topic["score"] == 0 and run.scorecard["score"] == 0
    assert not any(check["outcome"] == "passed" for check in topic["checks"])


def test_a_patched_verdict_function_earns_nothing(grade):
    topic = graded(grade, "patches_the_verdict").topic("pool_map")
    assert topic["score"] == 0
    assert all(check["outcome"] != "passed" for check in topic["checks"])


def test_the_signing_key_never_reaches_student_code(grade, monkeypatch):
    monkeypatch.setenv("GRADER_SIGNING_KEY", SIGNING_KEY)
    run = graded(grade, "reads_the_key")
    assert run.scorecard["signature"]
    shown = json.dumps(run.scorecard) + run.output
    assert SIGNING_KEY not in shown
    assert "key: absent" in run.check("pool_map", "chunksize_rule")["message"]


def test_a_process_that_leaves_its_session_does_not_outlive_the_topic(grade):
    # The grade fixture fails the run if any process it started is still alive afterwards.
    topic = graded(grade, "outlives_its_topic").topic("pool_map")
    reported = [check["message"] for check in topic["checks"] if "left" in check["message"]]
    assert reported or topic["leftovers"]


def test_the_kit_baseline_is_out_of_the_students_reach(grade):
    run = graded(grade, "calls_the_kit_baseline")
    check = run.check("pool_map", "results_in_order")
    assert check["outcome"] == "failed" and "ImportError" in check["message"]
    assert run.check("pool_map", "speedup")["points"] == 0


def test_forged_task_records_and_answers_without_processes_earn_no_speedup(grade):
    check = graded(grade, "forges_task_records").check("pool_map", "speedup")
    assert check["outcome"] == "failed"
    # The desk files each record under the process that really sent it (Linux); elsewhere the
    # kernel's accounting shows that no worker did the work.
    assert ("inside the calling process" in check["message"]
            or "operating system charged" in check["message"]), check["message"]


def test_cpu_burnt_in_parallel_without_the_work_earns_no_speedup(grade):
    check = graded(grade, "burns_cpu_without_the_work").check("pool_map", "speedup")
    assert check["outcome"] == "failed"


def test_suite_text_quoted_by_student_code_is_never_reported(grade):
    run = graded(grade, "quotes_the_suites", "--verbose")
    suite = (KIT_ROOT / "grader" / "suites" / "test_pool_map.py").read_text(encoding="utf-8")
    reported = "\n".join([*strings_in(run.scorecard), run.output])
    assert "[suite text hidden]" in reported, "the attack should have found the suite"
    for line in suite.splitlines():
        line = line.strip()
        if len(line) >= 16 and not line.startswith(('"', "'", 'f"', "f'", "#")):
            assert line not in reported, line


def strings_in(value) -> list[str]:
    """Every string inside a scorecard, decoded."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def test_endless_output_is_stopped_and_cut_short(grade, monkeypatch):
    import resource

    # Started on its own, the suite process is this one's child: the kernel's count of its
    # peak memory then reaches this process (a forked one's reaches the forkserver).
    monkeypatch.setattr(suite_forkserver, "available", lambda: False)
    run = graded(grade, "floods_the_output", "--verbose")
    check = run.check("pool_map", "results_in_order")
    assert check["outcome"] == "failed" and words_of(OUTPUT_FLOOD) in check["message"]
    assert len(check["output"]["stdout"]) < 100_000
    # The suite process that read the output stayed small.
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 400 * 1024


def test_totals_written_by_one_child_earn_no_race_or_count_points(grade):
    run = grade("shared_values", "--target", str(ATTACKS / "one_child_writes_the_totals"))
    topic = run.topic("shared_values")
    assert topic["score"] == 0
    assert all("Only one worker process wrote" in check["message"] for check in topic["checks"])


def test_a_worker_that_silences_its_notes_still_pays_for_every_message(grade):
    check = graded(grade, "silences_the_desk").check("pool_map", "small_tasks_are_chunked")
    assert check["outcome"] == "failed"
    assert "charged" in check["message"] or "separate messages" in check["message"], check["message"]


def test_patched_stand_ins_and_mirrored_counts_earn_no_race_points(grade):
    target = str(ATTACKS / "patches_the_shared_objects")
    managers = grade("managers", "--target", target).topic("managers")
    for name in ("votes_counted", "votes_have_no_lost_updates", "progress_has_no_lost_updates"):
        check = next(check for check in managers["checks"] if check["name"] == name)
        assert check["outcome"] == "failed", (name, check["message"])
    race = grade("callbacks", "--target", target).check("callbacks", "tracker_has_no_lost_updates")
    assert race["outcome"] == "failed" and "read the counter" in race["message"], race["message"]


@pytest.mark.alone  # leaves segments for the grader to find
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's view of /dev/shm")
def test_a_silenced_segment_watch_still_sees_the_open_segment(grade):
    topic = grade("shared_memory", "--target",
                  str(ATTACKS / "patches_the_shared_objects")).topic("shared_memory")
    for name in ("segment_is_closed_and_unlinked", "segment_released_when_a_worker_fails"):
        check = next(check for check in topic["checks"] if check["name"] == name)
        assert check["outcome"] == "failed" and check["points"] == 0, (name, check["message"])
