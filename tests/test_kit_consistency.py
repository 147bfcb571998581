"""The kit holds together: every topic has its stub, solution and suite, and nothing is stray."""

import ast
import re

import pytest

from grader.originals import original_stub
from grader.topics import SUITES_DIR, Hint, TopicsFileError, all_topics, parse_topics
from tests.conftest import KIT_ROOT

TOPICS = all_topics()


def suite_checks(topic):
    """The names of the checks in the topic's suite: its `def test_<name>(` functions."""
    return re.findall(r"^def test_(\w+)\(", topic.suite_path.read_text(), re.MULTILINE)


def public_functions(text):
    tree = ast.parse(text)
    return {node.name: [a.arg for a in node.args.args] for node in tree.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")}


def test_no_stray_modules():
    ids = {topic.id for topic in TOPICS}
    for folder in ("exercises", "solutions"):
        assert {p.stem for p in (KIT_ROOT / folder).glob("*.py")} - {"__init__"} == ids
    assert {p.stem.removeprefix("test_") for p in SUITES_DIR.glob("test_*.py")} == ids


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_stub_matches_solution_and_teaches(topic):
    # The stub as the kit ships it, whatever exercises/ holds now.
    text = original_stub(topic).decode()
    solution = topic.module_file(KIT_ROOT / "solutions").read_text()
    assert public_functions(text) == public_functions(solution)
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
    points = [int(p) for p in re.findall(r"@pytest\.mark\.check\(\"\w+\", points=(\d+)[,)]", text)]
    assert len(points) == text.count("def test_"), "every check needs a check marker"
    assert sum(points) == topic.points


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_every_check_sets_a_time_limit_fitted_to_it(topic):
    # A hang is called after a few times what the check needs, not after a blanket limit.
    text = topic.suite_path.read_text()
    markers = re.findall(r"@pytest\.mark\.check\(([^)]*)\)", text)
    assert markers and all(re.search(r"timeout=\d+", marker) for marker in markers), markers
    assert all(int(limit) <= 15 for limit in re.findall(r"timeout=(\d+)", " ".join(markers)))


def test_topics_file_rejects_unknown_keys():
    with pytest.raises(TopicsFileError, match="topic #1 \\(x\\): unknown keys \\['colour'\\]"):
        parse_topics('[[topic]]\nid="x"\ntitle="t"\nsection="s"\npoints=1\ndeadline_s=1\n'
                     'hints=[]\ncolour="red"\n', "topics.toml")


def test_topics_file_rejects_duplicate_ids():
    entry = '[[topic]]\nid="x"\ntitle="t"\nsection="s"\npoints=1\ndeadline_s=1\nhints=[]\n'
    with pytest.raises(TopicsFileError, match="appear twice"):
        parse_topics(entry + entry, "topics.toml")


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_hints_are_about_checks_of_their_suite(topic):
    checks = suite_checks(topic)
    strays = [hint.check for hint in topic.hints if hint.check and hint.check not in checks]
    assert strays == [], f"topics.toml: {topic.id} has hints about no check of its suite: {strays}"


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_every_check_has_a_hint_and_the_topic_a_general_one(topic):
    hinted = {hint.check for hint in topic.hints}
    missing = [name for name in suite_checks(topic) if name not in hinted]
    assert missing == [], f"topics.toml: give {topic.id} a hint about {missing}"
    assert None in hinted, f"topics.toml: give {topic.id} a general hint (a plain string)"


def test_topics_file_hints_are_strings_or_tied_to_a_check():
    (topic,) = parse_topics('[[topic]]\nid="x"\ntitle="t"\nsection="s"\npoints=1\ndeadline_s=1\n'
                            'hints=[{ text = "about a", check = "a" }, "general"]\n', "topics.toml")
    assert topic.hints == (Hint("about a", "a"), Hint("general"))
    assert topic.hint_for("a") == "about a"
    assert topic.hint_for("b") == topic.hint_for(None) == "general"


def test_topics_file_rejects_unknown_hint_keys():
    with pytest.raises(TopicsFileError, match="topics.toml: topic #1 \\(x\\): hint #1: unknown keys "
                                              "\\['colour'\\]"):
        parse_topics('[[topic]]\nid="x"\ntitle="t"\nsection="s"\npoints=1\ndeadline_s=1\n'
                     'hints=[{ text = "t", colour = "red" }]\n', "topics.toml")


def test_topics_file_rejects_a_hint_without_text():
    with pytest.raises(TopicsFileError, match="hint #2: unknown keys \\[\\], missing keys \\['text'\\]"):
        parse_topics('[[topic]]\nid="x"\ntitle="t"\nsection="s"\npoints=1\ndeadline_s=1\n'
                     'hints=["fine", { check = "a" }]\n', "topics.toml")


# The grader's floors, lowest first: a module imports only from its own floor and those below.
FLOORS = ("base", "reporting", "measuring", "running", "suites", "instructors", "grading",
          "student", "cli")
PACKAGE_FLOORS = {"reporting", "measuring", "running", "suites", "instructors", "student"}


def floor_of(module: str) -> str:
    """The floor of a module of the grader: its package, or grading, cli or base at the top
    level (settings, topics, system, isolation and call_errors are the base)."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in PACKAGE_FLOORS:
        return parts[1]
    if len(parts) > 1 and parts[1] == "grading":
        return "grading"
    if len(parts) > 1 and parts[1] in ("cli", "__main__"):
        return "cli"
    return "base"


def grader_imports(path):
    """The grader modules a file imports, by their full names."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "grader":
                yield from (f"grader.{alias.name}" for alias in node.names)
            elif node.module.startswith("grader."):
                yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("grader."))


def test_no_import_runs_back_up_a_floor():
    upward = []
    for path in (KIT_ROOT / "grader").rglob("*.py"):
        module = ".".join(path.relative_to(KIT_ROOT).with_suffix("").parts)
        for imported in grader_imports(path):
            if FLOORS.index(floor_of(imported)) > FLOORS.index(floor_of(module)):
                upward.append(f"{module} ({floor_of(module)}) imports {imported}")
    assert upward == [], "imports that run back up a floor"
