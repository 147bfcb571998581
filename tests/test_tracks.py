"""Tracks and needs: the lesson is graded by default and keeps its own total; a topic this
Python cannot run is not_available, says what it needs, and counts in no total."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from grader import grading as cli
from grader import topics
from grader.cli import main
from grader.needs import is_need, unmet
from grader.grading import NOT_AVAILABLE
from grader.reporting.report import NOTHING_GRADABLE_HERE
from grader.topics import LESSON, TopicsFileError, get_topic, parse_topics
from tests.conftest import validate
from tests.test_cli import passing_run

TOPIC = """
[[topic]]
id = "joblib_parallel"
title = "joblib"
section = "Modern Parallel Python"
points = 10
deadline_s = 60
hints = []
"""


def test_needs_are_read_and_checked():
    assert all(map(is_need, ["python>=3.14", "free-threaded", "module:joblib"]))
    assert not any(map(is_need, ["python 3.14", "gil", "module:", "module:dask.distributed"]))
    (topic,) = parse_topics(TOPIC + 'track = "modern"\nneeds = ["python>=3.14"]\n')
    assert (topic.track, topic.needs) == ("modern", ("python>=3.14",))
    assert parse_topics(TOPIC)[0].track == LESSON
    for bad in ('needs = ["python3.14"]\n', 'needs = "module:joblib"\n', 'track = "two words"\n'):
        with pytest.raises(TopicsFileError):
            parse_topics(TOPIC + bad)


def test_what_this_python_lacks_is_said_in_words():
    assert unmet(("python>=3.14",), version=(3, 14)) == []
    (older,) = unmet(("python>=3.14",), version=(3, 11))
    assert older.startswith("Python 3.14 or newer (this is ")
    assert unmet(("free-threaded",), free_threaded=True) == []
    assert "free-threaded build" in unmet(("free-threaded",), free_threaded=False)[0]
    assert unmet(("module:json",)) == []
    assert unmet(("module:no_such_package_here",)) == [
        "the no_such_package_here package (pip install no_such_package_here)"]


def test_a_topic_this_python_cannot_run_is_not_available_and_counts_nowhere(tmp_path,
                                                                            monkeypatch):
    lesson = get_topic("pool_map")
    modern = replace(get_topic("shared_values"), id="not_here", track="modern",
                     needs=("python>=99.0",))
    monkeypatch.setattr(topics, "all_topics", lambda: (lesson, modern))
    monkeypatch.setattr(cli, "all_topics", lambda: (lesson, modern))
    monkeypatch.setattr(cli, "run_topic", passing_run)
    path = tmp_path / "card.json"

    def graded(*args) -> dict:
        result = CliRunner().invoke(main, [*args, "--target", "solutions", "--json", str(path)])
        assert result.exit_code == 0, result.output
        card = json.loads(path.read_text())
        validate(card)
        return card, result.output

    card, _ = graded()
    assert [t["id"] for t in card["topics"]] == ["pool_map"], "the lesson, unless asked"
    card, output = graded("--track", "modern")
    (topic,) = card["topics"]
    assert (topic["status"], topic["score"], topic["max_score"]) == ("not_available", 0, 0)
    assert topic["message"] == NOT_AVAILABLE.format(needs=unmet(("python>=99.0",))[0])
    assert "Not available on this Python" in output
    assert "Every topic passes" not in output, "nothing here could be graded"
    assert NOTHING_GRADABLE_HERE in output
    card, output = graded("pool_map", "not_here")
    assert card["tracks"] == {"lesson": {"score": 10, "max_score": 10},
                              "modern": {"score": 0, "max_score": 0}}
    assert "Total 10/10 (100%): lesson 10/10, modern 0/0." in output


@pytest.mark.parametrize("args, words", [
    (["--track", "nosuch"], "the kit's tracks are lesson"),
    (["pool_map", "--track", "lesson"], "Name topics or a --track, not both"),
])
def test_a_track_asked_for_wrongly_is_a_usage_error(args, words):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and words in result.output


def test_grade_list_shows_one_track(tmp_path, monkeypatch):
    from grader.student.list_command import list_topics
    lesson = get_topic("pool_map")
    modern = replace(get_topic("shared_values"), id="later", track="modern")
    monkeypatch.setattr(topics, "all_topics", lambda: (lesson, modern))
    card = tmp_path / "scorecard.json"
    shown = CliRunner().invoke(list_topics, ["--json", str(card)])
    assert " pool_map " in shown.output and " later " not in shown.output
    shown = CliRunner().invoke(list_topics, ["--json", str(card), "--track", "modern"])
    assert " later " in shown.output and " pool_map " not in shown.output
    assert CliRunner().invoke(list_topics, ["--track", "nosuch"]).exit_code == 2
