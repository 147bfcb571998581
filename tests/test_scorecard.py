"""The scorecard is built by pure functions, follows its schema, and is written atomically."""

import json
import os
from pathlib import Path

import pytest

from grader.reporting import report
from grader import system
from grader.reporting.outcomes import CheckResult, TopicRun
from grader.reporting.scorecard import build_scorecard, topic_status, write_atomically
from grader.settings import Settings, resolve_target
from grader.topics import all_topics, get_topic
from tests.conftest import HOSTILE, KIT_ROOT, validate

SAMPLE = KIT_ROOT / "docs" / "sample_scorecard.json"


def check(name, outcome, points=2, not_started=False, kind="correctness", stdout="", stderr=""):
    return CheckResult(name=name, kind=kind, outcome=outcome, max_points=points, message="m",
                       not_started=not_started, stdout=stdout, stderr=stderr)


def settings(target="solutions", verbose=False):
    return Settings(topics=all_topics(), target=resolve_target(target), json_path=Path("x.json"),
                    start_method="spawn", cpus=system.CpuCount(2, "CPU affinity"), verbose=verbose)


def test_the_committed_sample_follows_the_schema():
    validate(json.loads(SAMPLE.read_text()))


def test_statuses():
    topic = get_topic("pool_map")
    assert topic_status(TopicRun(topic, (check("a", "passed"), check("b", "skipped")))) == "passed"
    assert topic_status(TopicRun(topic, (check("a", "failed", not_started=True),))) == "not_started"
    assert topic_status(TopicRun(topic, (check("a", "passed"),
                                         check("b", "failed", not_started=True)))) == "failed"
    assert topic_status(TopicRun(topic, (check("a", "timeout"), check("b", "failed")))) == "timeout"
    assert topic_status(TopicRun(topic, (), problem="error", message="x")) == "error"


def test_points_and_skips():
    runs = [TopicRun(get_topic("pool_map"), (check("a", "passed", 2), check("b", "failed", 3),
                                             check("c", "skipped", 4, kind="speedup")))]
    card = build_scorecard(runs, settings(), "2026-01-01T00:00:00+00:00", 1.0)
    validate(card)
    topic = card["topics"][0]
    assert (topic["score"], topic["max_score"]) == (2, 5)
    skipped = topic["checks"][2]
    assert skipped["max_points"] == 0 and skipped["metrics"]["points_if_run"] == 4
    assert (card["score"], card["max_score"]) == (2, 5)
    assert topic["hint"] == get_topic("pool_map").hints[0].text, "no hint is about check b"


def test_a_topic_that_never_reported_keeps_its_points_in_the_maximum():
    runs = [TopicRun(get_topic("pool_map"), (), problem="timeout", message="deadline",
                     log_tail="last words")]
    card = build_scorecard(runs, settings(), "2026-01-01T00:00:00+00:00", 1.0)
    validate(card)
    topic = card["topics"][0]
    assert (topic["score"], topic["max_score"], topic["status"]) == (0, 10, "timeout")
    assert topic["output_tail"] == "last words"


def test_integrity_hashes_the_suite_and_the_graded_file():
    runs = [TopicRun(get_topic("pool_map"), ())]
    card = build_scorecard(runs, settings(str(HOSTILE / "missing_module")), "2026-01-01T00:00:00Z", 0)
    assert len(card["integrity"]["suites"]["pool_map"]) == 64
    assert card["integrity"]["graded_files"]["pool_map"] is None


def test_written_atomically(tmp_path):
    path = tmp_path / "deep" / "card.json"
    write_atomically({"a": 1}, path)
    write_atomically({"a": 2}, path)
    assert json.loads(path.read_text()) == {"a": 2}
    assert [p.name for p in path.parent.iterdir()] == ["card.json"]


def test_the_hint_is_about_the_first_failing_check():
    topic = get_topic("pool_map")
    run = TopicRun(topic, (check("results_in_order", "passed"), check("speedup", "skipped"),
                           check("chunksize_rule", "failed"), check("small_tasks_are_chunked", "failed")))
    card = build_scorecard([run], settings(), "2026-01-01T00:00:00+00:00", 1.0)
    about_chunksize = next(h.text for h in topic.hints if h.check == "chunksize_rule")
    assert card["topics"][0]["hint"] == about_chunksize


def test_a_passed_topic_has_no_hint():
    run = TopicRun(get_topic("pool_map"), (check("results_in_order", "passed"),))
    card = build_scorecard([run], settings(), "2026-01-01T00:00:00+00:00", 1.0)
    assert "hint" not in card["topics"][0]


def test_what_a_check_printed_is_kept_only_when_verbose():
    run = TopicRun(get_topic("pool_map"), (check("a", "passed", stdout="hello", stderr="oops"),))
    quiet = build_scorecard([run], settings(), "2026-01-01T00:00:00+00:00", 1.0)
    loud = build_scorecard([run], settings(verbose=True), "2026-01-01T00:00:00+00:00", 1.0)
    validate(quiet)
    validate(loud)
    assert "output" not in quiet["topics"][0]["checks"][0]
    assert loud["topics"][0]["checks"][0]["output"] == {"stdout": "hello", "stderr": "oops"}


def test_an_interrupted_run_lists_the_topics_it_did_not_grade_and_keeps_their_points():
    runs = [TopicRun(get_topic("process_basics"), (check("a", "passed", 10),))]
    card = build_scorecard(runs, settings(), "2026-01-01T00:00:00+00:00", 1.0, interrupted=True)
    validate(card)
    assert card["interrupted"] is True
    # The graded topics first, then the others in lesson order.
    assert [(t["id"], t["status"], t["score"], t["max_score"]) for t in card["topics"]] == [
        ("process_basics", "passed", 10, 10)] + [
        (topic.id, "not_graded", 0, topic.points) for topic in all_topics()
        if topic.id != "process_basics"]
    assert (card["score"], card["max_score"]) == (10, sum(topic.points for topic in all_topics()))


def test_a_complete_run_is_not_marked_interrupted():
    card = build_scorecard([TopicRun(get_topic("pool_map"), (check("a", "passed"),))], settings(),
                           "2026-01-01T00:00:00+00:00", 1.0)
    assert card["interrupted"] is False and len(card["topics"]) == 1


@pytest.mark.skipif(os.name == "nt", reason="Windows files have no POSIX mode bits")
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_written_with_the_mode_the_umask_gives(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        write_atomically({"a": 1}, tmp_path / "card.json")
    finally:
        os.umask(old)
    assert (tmp_path / "card.json").stat().st_mode & 0o777 == mode


def test_the_table_shows_what_a_check_printed_when_verbose():
    run = TopicRun(get_topic("pool_map"), (check("a", "passed", stdout="one\ntwo"),
                                           check("b", "failed")))
    quiet = report.render(build_scorecard([run], settings(), "2026-01-01T00:00:00+00:00", 1.0), "x.json")
    loud = report.render(build_scorecard([run], settings(verbose=True), "2026-01-01T00:00:00+00:00",
                                         1.0), "x.json")
    assert "printed" not in quiet
    lines = loud.splitlines()
    at = lines.index("          your code printed on stdout:")
    assert lines[at - 1].startswith("  ok      a ")
    assert lines[at + 1:at + 3] == ["          | one", "          | two"]
    assert "printed on stderr" not in loud, "a stream with nothing on it is not shown"
