"""The reference solutions get full marks under every start method this platform offers, and the
untouched stubs score 0 with a first step to take."""

import multiprocessing

import pytest

from grader.running import suite_forkserver
from grader.topics import LESSON, all_topics, topics_of_track
from tests.conftest import skip_where_not_available

START_METHODS = ["fork", "spawn", "forkserver"]


def test_the_lesson_is_worth_140_points():
    assert sum(topic.points for topic in topics_of_track(LESSON)) == 140


# One topic a test, so that the kit's test processes share the longest runs evenly.
@pytest.mark.slow
@pytest.mark.parametrize("topic", all_topics(), ids=lambda t: t.id)
@pytest.mark.parametrize("method", START_METHODS)
def test_the_reference_gets_full_marks(grade, method, topic, monkeypatch):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not offered on this platform")
    skip_where_not_available(topic.id)
    if method == "spawn":
        # As on macOS and Windows, where spawn is the default: suite processes start on their own.
        monkeypatch.setattr(suite_forkserver, "available", lambda: False)
    graded = grade(topic.id, "--target", "solutions", "--start-method", method)
    card = graded.topic(topic.id)
    assert card["status"] == "passed", card
    assert card["score"] == card["max_score"] == topic.points
    assert card["leftovers"] == []
    assert graded.scorecard["environment"]["start_method"] == method


@pytest.mark.slow
@pytest.mark.parametrize("topic", all_topics(), ids=lambda t: t.id)
def test_the_stub_scores_zero_and_says_what_to_do_first(grade, pristine_exercises, topic):
    skip_where_not_available(topic.id)
    graded = grade(topic.id, "--target", str(pristine_exercises))
    assert graded.exit_code == 0
    card = graded.topic(topic.id)
    assert card["score"] == 0
    assert card["status"] == "not_started", card
    assert card["message"].startswith("Not started. First step: ")
    assert len(card["message"]) > len("Not started. First step: ") + 20
    assert "not_started" in graded.output
