"""The reference solutions get full marks under every start method this platform offers, and the
untouched stubs score 0 with a first step to take."""

import multiprocessing

import pytest

from grader.topics import LESSON, topics_of_track, tracks

START_METHODS = ["fork", "spawn", "forkserver"]


@pytest.mark.slow
@pytest.mark.parametrize("method", START_METHODS)
def test_solutions_get_full_marks(grade, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not offered on this platform")
    for track in tracks():
        graded = grade("--target", "solutions", "--start-method", method, "--track", track)
        card = graded.scorecard
        assert [t["id"] for t in card["topics"]] == [t.id for t in topics_of_track(track)]
        for topic in card["topics"]:
            # A topic this Python cannot run (not_available) counts nowhere: see test_tracks.py.
            assert topic["status"] in ("passed", "not_available"), topic
            assert topic["leftovers"] == []
        assert card["score"] == card["max_score"]
        assert card["environment"]["start_method"] == method
        if track == LESSON:
            assert card["max_score"] == 140


@pytest.mark.slow
def test_stubs_score_zero_and_say_what_to_do_first(grade, pristine_exercises):
    for track in tracks():
        graded = grade("--target", str(pristine_exercises), "--track", track)
        assert graded.exit_code == 0
        for topic in graded.scorecard["topics"]:
            assert topic["score"] == 0
            if topic["status"] == "not_available":
                continue
            assert topic["status"] == "not_started", topic
            assert topic["message"].startswith("Not started. First step: ")
            assert len(topic["message"]) > len("Not started. First step: ") + 20
            assert "not_started" in graded.output
