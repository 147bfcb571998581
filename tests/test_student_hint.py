"""`grade hint TOPIC`: staged hints, the one about the failed check first, and their record."""

import json

import pytest
from click.testing import CliRunner

import grader.topics
from grader.student import topic_param
from grader.student.hint_command import FORGOTTEN, RECORD_NOT_WRITTEN, RESET_WITH_ALL, hint
from grader.student.hint_record import RECORD_PATH, HintRecordError, read_shown, write_shown
from grader.student.hints import format_all, next_hint, tied_hints
from grader.topics import Hint, Topic
from tests.conftest import words_of

DEMO = Topic(id="demo", title="A demo", section="s", points=10, deadline_s=60, hints=(
    Hint("First, a general hint."),
    Hint("About the speedup.", check="speedup"),
    Hint("About the lost updates.", check="no_lost_updates"),
    Hint("Last, another general hint."),
))
SILENT = Topic(id="silent", title="No hints", section="s", points=10, deadline_s=60, hints=())


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in an empty folder, with the topics DEMO and SILENT only."""
    monkeypatch.chdir(tmp_path)
    topics = {"demo": DEMO, "silent": SILENT}
    monkeypatch.setattr(topic_param, "get_topic", lambda name: topics[name])
    monkeypatch.setattr(grader.topics, "topic_ids", lambda: list(topics))
    return tmp_path


def write_card(path, failing_check="no_lost_updates", status="failed"):
    checks = [{"name": "speedup", "outcome": "passed"},
              {"name": failing_check, "outcome": "failed"}, {"name": "last", "outcome": "failed"}]
    path.write_text(json.dumps({"topics": [{"id": "demo", "title": "t", "score": 3,
                                            "max_score": 10, "status": status, "checks": checks}]}))


def ask(*args):
    result = CliRunner().invoke(hint, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_next_hint_puts_the_failed_checks_hint_first_then_the_rest_in_order():
    shown = set()
    order = []
    while (number := next_hint(DEMO, shown, ("no_lost_updates",))) is not None:
        order.append(number)
        shown.add(number)
    assert order == [3, 1, 2, 4]


def test_next_hint_without_a_failed_check_or_a_hint_about_it_goes_in_order():
    assert next_hint(DEMO, set()) == 1
    assert next_hint(DEMO, set(), ("a_check_without_a_hint",)) == 1
    assert next_hint(DEMO, {1, 3}, ("no_lost_updates",)) == 2
    assert next_hint(DEMO, {1, 2, 3, 4}, ("speedup",)) is None
    assert tied_hints(DEMO, ("speedup",)) == [2] and tied_hints(DEMO, ()) == []


def test_the_hints_of_every_failed_check_come_first_in_the_order_the_checks_failed():
    shown = set()
    order = []
    while (number := next_hint(DEMO, shown, ("no_lost_updates", "speedup"))) is not None:
        order.append(number)
        shown.add(number)
    assert order == [3, 2, 1, 4]


def test_format_all_numbers_every_hint_and_marks_the_failed_check():
    lines = format_all(DEMO, ("speedup",)).splitlines()
    assert lines[0] == "  1. First, a general hint."
    assert lines[1] == "* 2. [speedup, failed in your last run] About the speedup."
    assert lines[2] == "  3. [no_lost_updates] About the lost updates."


def test_the_staging_sequence_through_the_command(in_tmp):
    write_card(in_tmp / "scorecard.json")
    outputs = [ask("demo").output for _ in range(5)]
    assert outputs[0].startswith("Hint 3 of 4 for demo, about the check `no_lost_updates`, which "
                                 "failed in your last run:\n  About the lost updates.")
    assert "3 more to come" in outputs[0]
    assert outputs[1].startswith("Hint 1 of 4 for demo:\n  First, a general hint.")
    assert outputs[2].startswith("Hint 2 of 4 for demo, about the check `speedup`:")
    assert outputs[3].startswith("Hint 4 of 4") and "That was the last hint for demo" in outputs[3]
    assert outputs[4].startswith("You have seen all 4 hints for demo")
    assert "* 3. [no_lost_updates, failed in your last run]" in outputs[4]
    assert read_shown(in_tmp / RECORD_PATH) == {"demo": {1, 2, 3, 4}}


def test_a_new_failing_check_brings_its_hint_forward(in_tmp):
    ask("demo")
    assert read_shown(in_tmp / RECORD_PATH) == {"demo": {1}}
    write_card(in_tmp / "scorecard.json", failing_check="no_lost_updates")
    assert ask("demo").output.startswith("Hint 3 of 4")
    write_card(in_tmp / "card.json", failing_check="speedup")
    assert ask("demo", "--json", "card.json").output.startswith("Hint 2 of 4")


def test_a_passed_topic_gets_its_hints_in_order(in_tmp):
    write_card(in_tmp / "scorecard.json", status="passed")
    assert ask("demo").output.startswith("Hint 1 of 4")


def test_all_shows_every_hint_marked_and_records_them_as_seen(in_tmp):
    write_card(in_tmp / "scorecard.json")
    result = ask("demo", "--all")
    assert result.exit_code == 0
    assert result.output.startswith("The 4 hints for demo, in the order they are given:")
    assert "* 3. [no_lost_updates, failed in your last run]" in result.output
    assert "  4. Last, another general hint." in result.output
    assert ask("demo").output.startswith("You have seen all 4 hints")


def test_reset_forgets_the_hints_shown_for_that_topic_only(in_tmp):
    write_shown({"demo": {1, 2}, "other": {1}}, in_tmp / RECORD_PATH)
    result = ask("demo", "--reset")
    assert result.exit_code == 0 and FORGOTTEN.format(id="demo") in result.output
    assert read_shown(in_tmp / RECORD_PATH) == {"other": {1}}
    assert ask("demo").output.startswith("Hint 1 of 4")


def test_reset_and_all_together_is_a_usage_error(in_tmp):
    result = ask("demo", "--reset", "--all")
    assert result.exit_code == 2 and RESET_WITH_ALL in result.output


@pytest.mark.parametrize("content", ["{broken", '{"shown": {"demo": "1,2"}}', "[]",
                                     '{"shown": {"demo": [1.5]}}'])
def test_a_corrupt_record_starts_over_and_says_so(in_tmp, content):
    (in_tmp / ".grade").mkdir()
    (in_tmp / RECORD_PATH).write_text(content)
    result = ask("demo")
    assert result.exit_code == 0
    assert "cannot be read" in result.stderr and "starts over" in result.stderr
    assert result.stdout.startswith("Hint 1 of 4")
    assert read_shown(in_tmp / RECORD_PATH) == {"demo": {1}}


def test_read_shown_rejects_what_it_cannot_use(tmp_path):
    assert read_shown(tmp_path / "missing.json") == {}
    (tmp_path / "bad.json").write_text('{"shown": null}')
    with pytest.raises(HintRecordError):
        read_shown(tmp_path / "bad.json")


def test_a_record_that_cannot_be_written_still_shows_the_hint(in_tmp):
    (in_tmp / ".grade").write_text("a file where the folder should be")
    result = ask("demo")
    assert result.exit_code == 0 and result.stdout.startswith("Hint 1 of 4")
    assert words_of(RECORD_NOT_WRITTEN) in result.stderr.replace("\n", " ")


def test_a_corrupt_scorecard_is_named_and_hints_come_in_order(in_tmp):
    (in_tmp / "scorecard.json").write_text("not json")
    result = ask("demo")
    assert result.exit_code == 0 and result.stdout.startswith("Hint 1 of 4")
    assert "cannot be read (it is not JSON)" in result.stderr


def test_no_scorecard_is_no_news(in_tmp):
    result = ask("demo")
    assert result.exit_code == 0 and result.stderr == ""


def test_a_topic_without_hints_points_to_the_docstring(in_tmp):
    result = ask("silent")
    assert result.exit_code == 0 and "has no hints" in result.output
    assert "exercises/silent.py" in result.output


def test_unknown_topic_lists_the_valid_ones_with_a_guess(in_tmp):
    result = ask("dmeo")
    assert result.exit_code == 2
    assert "unknown topic dmeo (did you mean demo?)" in result.output
    assert "Valid topics: demo, silent." in result.output
    assert "Traceback" not in result.output


def test_unknown_real_topic_without_a_close_match(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(hint, ["zzzz"])
    assert result.exit_code == 2 and "unknown topic zzzz. Valid topics:" in result.output


def test_without_a_topic_the_hint_is_for_the_topic_to_work_on_now(in_tmp):
    first = grader.topics.all_topics()[0]
    assert ask().output.startswith(f"Hint 1 of {len(first.hints)} for {first.id}")
