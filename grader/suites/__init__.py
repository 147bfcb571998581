"""The hidden suites, one per topic, run by the grader with the suite plugin loaded."""
