"""On one usable CPU a speedup check is skipped with the reason and does not count."""

import pytest


@pytest.mark.slow
def test_speedup_checks_are_skipped_on_one_cpu(grade):
    graded = grade("pool_map", "--target", "solutions", "--cpus", "1")
    topic = graded.topic("pool_map")
    speedup = graded.check("pool_map", "speedup")
    assert speedup["outcome"] == "skipped"
    assert "only 1 CPU is usable" in speedup["message"]
    assert speedup["max_points"] == 0 and speedup["metrics"]["points_if_run"] == 4
    assert topic["status"] == "passed" and topic["score"] == topic["max_score"] == 6
    assert graded.scorecard["environment"]["usable_cpus"] == 1
