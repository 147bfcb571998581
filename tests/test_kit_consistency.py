"""The kit holds together: every topic has its stub, solution and suite, and nothing is stray."""

import ast
import re

import pytest

from grader.topics import SUITES_DIR, TopicsFileError, all_topics, parse_topics
from tests.conftest import KIT_ROOT

TOPICS = all_topics()


def public_functions(path):
    tree = ast.parse(path.read_text())
    return {node.name: [a.arg for a in node.args.args] for node in tree.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")}


def test_no_stray_modules():
    ids = {topic.id for topic in TOPICS}
    for folder in ("exercises", "solutions"):
        assert {p.stem for p in (KIT_ROOT / folder).glob("*.py")} - {"__init__"} == ids
    assert {p.stem.removeprefix("test_") for p in SUITES_DIR.glob("test_*.py")} == ids


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_stub_matches_solution_and_teaches(topic):
    stub = topic.module_file(KIT_ROOT / "exercises")
    solution = topic.module_file(KIT_ROOT / "solutions")
    assert public_functions(stub) == public_functions(solution)
    text = stub.read_text()
    assert ast.get_docstring(ast.parse(text)), "the stub needs a module docstring that teaches"
    assert "# TODO" in text
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef):
            doc = ast.get_docstring(node) or ""
            assert "Example" in doc, f"{node.name} needs a docstring with an example"
            assert "raise NotImplementedError(" in ast.get_source_segment(text, node)


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_suite_points_add_up_to_the_topic_points(topic):
    text = topic.suite_path.read_text()
    points = [int(p) for p in re.findall(r"@pytest\.mark\.check\(\"\w+\", points=(\d+)\)", text)]
    assert len(points) == text.count("def test_"), "every check needs a check marker"
    assert sum(points) == topic.points


def test_topics_file_rejects_unknown_keys():
    with pytest.raises(TopicsFileError, match="topic #1 \\(x\\): unknown keys \\['colour'\\]"):
        parse_topics('[[topic]]\nid="x"\ntitle="t"\nsection="s"\npoints=1\ndeadline_s=1\n'
                     'hints=[]\ncolour="red"\n', "topics.toml")


def test_topics_file_rejects_duplicate_ids():
    entry = '[[topic]]\nid="x"\ntitle="t"\nsection="s"\npoints=1\ndeadline_s=1\nhints=[]\n'
    with pytest.raises(TopicsFileError, match="appear twice"):
        parse_topics(entry + entry, "topics.toml")
