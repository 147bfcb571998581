"""The scorecard is built by pure functions, follows its schema, and is written atomically."""

import json
from pathlib import Path

from grader import system
from grader.outcomes import CheckResult, TopicRun
from grader.scorecard import build_scorecard, topic_status, write_atomically
from grader.settings import Settings, resolve_target
from grader.topics import all_topics, get_topic
from tests.conftest import HOSTILE, KIT_ROOT, validate

SAMPLE = KIT_ROOT / "docs" / "sample_scorecard.json"


def check(name, outcome, points=2, not_started=False, kind="correctness"):
    return CheckResult(name=name, kind=kind, outcome=outcome, max_points=points, message="m",
                       not_started=not_started)


def settings(target="solutions"):
    return Settings(topics=all_topics(), target=resolve_target(target), json_path=Path("x.json"),
                    start_method="spawn", cpus=system.CpuCount(2, "CPU affinity"))


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
    assert topic["hint"] == get_topic("pool_map").hints[0]


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
