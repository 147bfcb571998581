"""The reference solutions get full marks under every start method this platform offers, and the
untouched stubs score 0 with a first step to take."""

import multiprocessing

import pytest

from grader.topics import topic_ids

START_METHODS = ["fork", "spawn", "forkserver"]


@pytest.mark.slow
@pytest.mark.parametrize("method", START_METHODS)
def test_solutions_get_full_marks(grade, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not offered on this platform")
    graded = grade("--target", "solutions", "--start-method", method)
    card = graded.scorecard
    assert [t["id"] for t in card["topics"]] == topic_ids()
    for topic in card["topics"]:
        assert topic["status"] == "passed", topic
        assert topic["leftovers"] == []
    assert card["score"] == card["max_score"] > 0
    assert card["environment"]["start_method"] == method


@pytest.mark.slow
def test_stubs_score_zero_and_say_what_to_do_first(grade, pristine_exercises):
    graded = grade("--target", str(pristine_exercises))
    assert graded.exit_code == 0
    for topic in graded.scorecard["topics"]:
        assert topic["score"] == 0
        assert topic["status"] == "not_started", topic
        assert topic["message"].startswith("Not started. First step: ")
        assert len(topic["message"]) > len("Not started. First step: ") + 20
    assert "not_started" in graded.output
