"""Each topic holds at least one correct design that is not the reference, written the way
another good student would, and it gets full marks: a suite that only the reference passes is
fitted to the reference, not to the lesson."""

import pytest

from grader.topics import all_topics
from tests.conftest import ALTERNATIVES, skip_where_not_available


def alternatives_of(topic_id):
    return sorted(path.name for path in ALTERNATIVES.iterdir()
                  if path.name.startswith(topic_id + "_") and (path / "__init__.py").exists())


@pytest.mark.parametrize("topic", all_topics(), ids=lambda t: t.id)
def test_every_topic_has_an_alternative_design(topic):
    assert alternatives_of(topic.id), f"tests/alternatives/ holds no other design for {topic.id}"


@pytest.mark.slow
@pytest.mark.parametrize("design", sorted(p.name for p in ALTERNATIVES.iterdir()
                                          if (p / "__init__.py").exists()))
def test_alternative_design_gets_full_marks(grade, design):
    topic_id = next(t.id for t in all_topics() if design.startswith(t.id + "_"))
    skip_where_not_available(topic_id)
    graded = grade(topic_id, "--target", str(ALTERNATIVES / design))
    topic = graded.topic(topic_id)
    assert topic["status"] == "passed", [(c["name"], c["message"]) for c in topic["checks"]
                                         if c["outcome"] != "passed"]
    assert topic["score"] == topic["max_score"] > 0
