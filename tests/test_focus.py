"""Grading one check, or stopping at the first failure: `grade TOPIC --check NAME`,
`grade TOPIC::NAME` and `grade -x`."""

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.grading import checks_asked_for
from grader.running.runner import suite_arguments
from tests.conftest import MUTANTS


def test_selectors_and_check_options_name_the_checks_per_topic():
    assert checks_asked_for(("pool_map::speedup", "shared_values::test_counter_total"), ()) == {
        "pool_map": ["speedup"], "shared_values": ["counter_total"]}
    assert checks_asked_for(("pool_map",), ("speedup", "chunksize_rule")) == {
        "pool_map": ["speedup", "chunksize_rule"]}


def test_suite_arguments_run_only_the_checks_asked_for(tmp_path):
    suite = tmp_path / "test_pool_map.py"
    command = suite_arguments(suite, ("speedup",), exitfirst=True)
    assert f"{suite}::test_speedup" in command and str(suite) not in command and "-x" in command
    assert str(suite) in suite_arguments(suite) and "-x" not in suite_arguments(suite)


@pytest.mark.parametrize("args, words", [
    (["pool_map", "--check", "sped_up"], "pool_map has no check sped_up (did you mean speedup?)"),
    (["pool_map::nothing_like_it"], "Its checks: results_in_order, speedup"),
    (["pool_map", "shared_values", "--check", "speedup"], "--check needs exactly one TOPIC"),
    (["--check", "speedup"], "--check needs exactly one TOPIC"),
])
def test_an_unknown_check_is_a_usage_error_that_lists_the_topics_checks(args, words):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and words in result.output, result.output


@pytest.mark.slow
def test_one_check_is_graded_and_the_scorecard_says_the_run_was_focused(grade):
    graded = grade("shared_values::counter_total", "--target", "solutions")
    topic = graded.topic("shared_values")
    assert [c["name"] for c in topic["checks"]] == ["counter_total"]
    assert (topic["score"], topic["max_score"]) == (2, 2)
    assert graded.scorecard["focus"] == {"checks": {"shared_values": ["counter_total"]},
                                         "exitfirst": False}


@pytest.mark.slow
def test_exitfirst_stops_at_the_first_failure_and_counts_what_it_did_not_run(grade):
    graded = grade("shared_values", "best_practices", "-x",
                   "--target", str(MUTANTS / "shared_values_unlocked"))
    topic = graded.topic("shared_values")
    outcomes = [c["outcome"] for c in topic["checks"]]
    # Unlocked, the first check may lose updates too; the race check after it always does.
    first = outcomes.index("failed")
    assert first <= 1 and set(outcomes[:first]) <= {"passed"}
    assert set(outcomes[first + 1:]) == {"skipped"}
    assert topic["max_score"] == 10
    later = graded.topic("best_practices")
    assert later["status"] == "not_graded" and "--exitfirst" in later["message"]
    assert graded.scorecard["focus"] == {"checks": {}, "exitfirst": True}
