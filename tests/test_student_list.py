"""`grade list`: the last scores read from a scorecard, the progress bar and the next topic."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.reporting import history
from grader.reporting.report import ALL_DONE
from grader.student.last_run import LastRunError, NoLastRun, TopicResult, last_results, next_topic
from grader.student.list_command import list_topics
from grader.student.progress_table import progress_bar, render_progress
from grader.topics import LESSON, Hint, Topic, topics_of_track
from tests.conftest import KIT_ROOT

EXERCISES = KIT_ROOT / "exercises"
OF_EXERCISES = {"target": {"path": str(EXERCISES.resolve())}}
TOPICS = tuple(Topic(id=name, title=f"The {name} topic", section="s", points=10, deadline_s=60,
                     hints=(Hint("a hint"),)) for name in ("first", "second", "third"))


def topic_entry(topic_id, score, status, checks=()):
    return {"id": topic_id, "title": "t", "score": score, "max_score": 10, "status": status,
            "message": "m", "checks": [{"name": name, "outcome": outcome}
                                       for name, outcome in checks]}


def write_card(path, *entries):
    path.write_text(json.dumps({"score": 0, "max_score": 0, "topics": list(entries)}))
    return path


def test_last_results_reads_each_topic_and_its_failing_checks(tmp_path):
    card = write_card(tmp_path / "card.json",
                      topic_entry("first", 10, "passed", [("a", "passed")]),
                      topic_entry("second", 4, "failed", [("a", "passed"), ("b", "skipped"),
                                                          ("c", "failed"), ("d", "timeout")]))
    results = last_results(card, EXERCISES)
    assert results["first"] == TopicResult("first", 10, 10, "passed", ())
    assert results["second"] == TopicResult("second", 4, 10, "failed", ("c", "d"))
    assert results["first"].passed and not results["second"].passed


def test_last_results_reads_the_kits_sample_scorecard():
    sample = json.loads((KIT_ROOT / "docs" / "sample_scorecard.json").read_text())
    results = last_results(KIT_ROOT / "docs" / "sample_scorecard.json",
                           Path(sample["target"]["path"]))
    assert set(results) == {entry["id"] for entry in sample["topics"]}


def test_a_missing_scorecard_is_no_last_run(tmp_path):
    with pytest.raises(NoLastRun, match="Run `grade`"):
        last_results(tmp_path / "scorecard.json", EXERCISES)


@pytest.mark.parametrize("content, reason", [
    (b"{not json", "it is not JSON"),
    (b"\xff\xfe\x00garbage", "codec"),
    (b"[1, 2]", "no list of topics"),
    (b'{"topics": {"a": 1}}', "no list of topics"),
    (b'{"topics": ["pool_map"]}', "not an object"),
    (b'{"topics": [{"id": "pool_map", "score": "ten", "max_score": 10, "status": "passed"}]}',
     "lacks a valid score"),
    (b'{"topics": [{"id": "pool_map", "score": 1, "max_score": 10, "status": "failed", '
     b'"checks": 3}]}', "list of checks"),
])
def test_a_corrupt_scorecard_says_why(tmp_path, content, reason):
    path = tmp_path / "scorecard.json"
    path.write_bytes(content)
    with pytest.raises(LastRunError, match="cannot be read") as raised:
        last_results(path, EXERCISES)
    assert reason in str(raised.value) and not isinstance(raised.value, NoLastRun)


def test_progress_bar_is_full_only_when_everything_is_done():
    assert progress_bar(0, 14, width=10) == "[----------] 0/14 done"
    assert progress_bar(5, 14, width=10) == "[###-------] 5/14 done"
    assert progress_bar(13, 14, width=10) == "[#########-] 13/14 done"
    assert progress_bar(14, 14, width=10) == "[##########] 14/14 done"
    assert progress_bar(0, 0, width=4) == "[----] 0/0 done"


def test_next_topic_is_the_first_in_lesson_order_not_passed():
    results = {"first": TopicResult("first", 10, 10, "passed"),
               "third": TopicResult("third", 2, 10, "failed")}
    assert next_topic(TOPICS, results).id == "second"
    results["second"] = TopicResult("second", 10, 10, "passed")
    assert next_topic(TOPICS, results).id == "third"
    results["third"] = TopicResult("third", 10, 10, "passed")
    assert next_topic(TOPICS, results) is None


def test_render_shows_lesson_order_scores_total_and_next():
    results = {"second": TopicResult("second", 10, 10, "passed"),
               "first": TopicResult("first", 4, 10, "not_started")}
    lines = render_progress(TOPICS, results).splitlines()
    assert [line[2:].split()[0] for line in lines[:3]] == ["first", "second", "third"]
    assert lines[0].startswith("> first") and "4/10" in lines[0] and "not started" in lines[0]
    assert "10/10" in lines[1] and "passed" in lines[1]
    assert "0/10" in lines[2] and "not graded yet" in lines[2]
    assert "1/3 done" in lines[-2] and "score 14/30 (47%)" in lines[-2]
    assert lines[-1] == "Next: first. Open exercises/first.py, then run `grade first`."


def test_render_when_every_topic_passes():
    results = {t.id: TopicResult(t.id, 10, 10, "passed") for t in TOPICS}
    text = render_progress(TOPICS, results)
    assert "3/3 done" in text and ALL_DONE in text and ">" not in text


def test_a_topic_kept_by_the_instructor_is_shown_but_not_counted_or_proposed():
    results = {"first": TopicResult("first", 10, 10, "passed")}
    text = render_progress(TOPICS, results, kept_private=frozenset({"second"}))
    assert "graded by your instructor" in text
    assert "1/2 done" in text and "score 10/20" in text and "Next: third." in text


def test_list_without_a_scorecard_says_so_and_shows_zeros(tmp_path):
    result = CliRunner().invoke(list_topics, ["--json", str(tmp_path / "scorecard.json")])
    assert result.exit_code == 0, result.output
    assert "No scorecard at" in result.stderr and "every topic shows 0" in result.stderr
    assert result.stdout.count("not graded yet") == len(topics_of_track(LESSON))
    assert f"0/{len(topics_of_track(LESSON))} done" in result.stdout
    assert f"Next: {topics_of_track(LESSON)[0].id}." in result.stdout


def test_list_with_a_corrupt_scorecard_says_so_and_shows_zeros(tmp_path):
    path = tmp_path / "scorecard.json"
    path.write_text('{"schema_version": "1.3", "topics": [')
    result = CliRunner().invoke(list_topics, ["--json", str(path)])
    assert result.exit_code == 0 and result.exception is None
    assert "cannot be read (it is not JSON)" in result.stderr
    assert result.stdout.count("not graded yet") == len(topics_of_track(LESSON))


def test_list_reads_a_scorecard_that_covers_one_topic(tmp_path):
    first, second = topics_of_track(LESSON)[:2]
    path = write_card(tmp_path / "card.json", topic_entry(first.id, 10, "passed"))
    result = CliRunner().invoke(list_topics, ["--json", str(path)])
    assert result.exit_code == 0 and result.stderr == ""
    row = next(line for line in result.stdout.splitlines() if f" {first.id} " in line)
    assert "10/10" in row and "passed" in row
    assert result.stdout.count("not graded yet") == len(topics_of_track(LESSON)) - 1
    assert f"Next: {second.id}." in result.stdout


def test_list_json_that_is_a_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(list_topics, ["--json", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.output


def card_of(generated_at, *entries, focus=None, folder=EXERCISES):
    return {"generated_at": generated_at, "focus": focus,
            "target": {"path": str(folder.resolve())}, "topics": list(entries)}


def test_a_run_of_one_topic_keeps_the_others_last_results(tmp_path):
    full = card_of("2026-11-25T10:00:00+00:00", topic_entry("first", 10, "passed"),
                   topic_entry("second", 4, "failed", [("a", "failed")]))
    history.record_run(full)
    one = card_of("2026-11-25T11:00:00+00:00", topic_entry("second", 10, "passed"))
    history.record_run(one)
    card = tmp_path / "card.json"
    card.write_text(json.dumps(one))
    results = last_results(card, EXERCISES)
    assert {k: (r.score, r.status) for k, r in results.items()} == {
        "first": (10, "passed"), "second": (10, "passed")}


def test_a_focused_run_is_not_a_topics_result(tmp_path):
    history.record_run(card_of("2026-11-25T10:00:00+00:00", topic_entry("first", 10, "passed")))
    focused = card_of("2026-11-25T12:00:00+00:00", topic_entry("first", 1, "passed"),
                      focus={"checks": {"first": ["a"]}, "exitfirst": False})
    history.record_run(focused)
    card = tmp_path / "card.json"
    card.write_text(json.dumps(focused))
    assert last_results(card, EXERCISES)["first"].max_score == 10


def test_an_older_scorecard_does_not_hide_a_newer_recorded_result(tmp_path):
    history.record_run(card_of("2026-11-25T12:00:00+00:00", topic_entry("first", 10, "passed")))
    card = tmp_path / "card.json"
    card.write_text(json.dumps(card_of("2026-11-25T09:00:00+00:00",
                                       topic_entry("first", 0, "not_started"))))
    assert last_results(card, EXERCISES)["first"].score == 10


def test_a_reset_topic_counts_as_not_graded_until_graded_again(tmp_path):
    card = tmp_path / "card.json"
    card.write_text(json.dumps(card_of("2026-11-25T10:00:00+00:00",
                                       topic_entry("first", 10, "passed"),
                                       topic_entry("second", 10, "passed"))))
    history.record_reset(str(EXERCISES.resolve()), "first", "2026-11-25T11:00:00+00:00")
    assert set(last_results(card, EXERCISES)) == {"second"}
    card.write_text(json.dumps(card_of("2026-11-25T12:00:00+00:00",
                                       topic_entry("first", 3, "failed"))))
    assert last_results(card, EXERCISES)["first"].score == 3


def test_the_results_of_another_folder_are_not_yours(tmp_path):
    other = card_of("2026-11-25T10:00:00+00:00", topic_entry("first", 10, "passed"),
                    folder=KIT_ROOT / "solutions")
    history.record_run(other)
    card = tmp_path / "card.json"
    card.write_text(json.dumps(other))
    assert last_results(card, EXERCISES) == {}
    assert set(last_results(card, KIT_ROOT / "solutions")) == {"first"}
