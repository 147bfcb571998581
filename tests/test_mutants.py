"""Every check is seen to fail: each known-wrong version is caught by the checks meant for it,
with a message that says what happened.

Each mutant's expectations sit beside its code, in `expected.toml`: its topic, and under
[fails] each check it must fail with words the message must hold, or a list of which any will
do where two readings of one fault are both right ([fails_without_desk] for the checks whose
words differ where the grader keeps no desk). Only those checks are graded:
the reference solutions and the alternatives show that the other checks pass correct code.
A mutant that hangs until its check's limit may name a shorter limit (`check_timeout_s`), long
enough for its check to reach the hang: it is caught in the same words, seconds sooner. One
that leaves a shared-memory segment behind says so (`leaves_segments = true`): it runs alone.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.measuring import task_desk
from grader.topics import all_topics
from tests.conftest import MUTANTS, skip_where_not_available


@dataclass(frozen=True)
class Expected:
    """What a mutant must do: fail these checks of its topic, with these words in each message."""

    topic: str
    fails: dict[str, str | list[str]]
    check_timeout_s: float | None = None
    leaves_segments: bool = False


def expected_of(mutant: Path) -> Expected:
    """The expectations written beside a mutant, for this platform."""
    data = tomllib.loads((mutant / "expected.toml").read_text(encoding="utf-8"))
    fails = dict(data["fails"])
    if not task_desk.desk_possible():
        fails.update(data.get("fails_without_desk", {}))
    return Expected(data["topic"], fails, data.get("check_timeout_s"),
                    data.get("leaves_segments", False))


MUTANT_DIRS = sorted(path for path in MUTANTS.iterdir() if (path / "__init__.py").exists())
CASES = {path.name: expected_of(path) for path in MUTANT_DIRS if (path / "expected.toml").exists()}


def test_every_mutant_says_what_it_must_fail():
    assert {path.name for path in MUTANT_DIRS} == set(CASES), "a mutant without expected.toml"
    topics = {topic.id: topic for topic in all_topics()}
    for name, expected in CASES.items():
        assert expected.topic in topics, name
        checks = set(re.findall(r"^def test_(\w+)\(", topics[expected.topic].suite_path.read_text(),
                                re.MULTILINE))
        assert expected.fails and set(expected.fails) <= checks, name


@pytest.mark.parametrize("topic", all_topics(), ids=lambda t: t.id)
def test_every_check_is_seen_to_fail(topic):
    checks = set(re.findall(r"^def test_(\w+)\(", topic.suite_path.read_text(), re.MULTILINE))
    caught = {name for expected in CASES.values() if expected.topic == topic.id
              for name in expected.fails}
    assert checks - caught == set(), "these checks have no known-wrong version that fails them"


@pytest.mark.parametrize("topic", all_topics(), ids=lambda t: t.id)
def test_every_speedup_check_has_a_one_worker_version(topic):
    # Counting messages or timing alone would pass a pool of one worker; each speedup check
    # must be seen to fail on one.
    speedup_checks = set(re.findall(r'@pytest\.mark\.check\("speedup".*\)\ndef test_(\w+)\(',
                                    topic.suite_path.read_text()))
    one_worker = {name for mutant, expected in CASES.items()
                  if expected.topic == topic.id and ("one_worker" in mutant or "one_child" in mutant)
                  for name in expected.fails}
    assert speedup_checks - one_worker == set()


@pytest.mark.slow
@pytest.mark.parametrize("mutant", [
    # A mutant that leaves a segment for its grader to find runs alone: another run ending
    # meanwhile would find it too.
    pytest.param(name, marks=pytest.mark.alone) if CASES[name].leaves_segments else name
    for name in sorted(CASES)])
def test_mutant_is_caught(grade, mutant):
    expected = CASES[mutant]
    skip_where_not_available(expected.topic)
    limit = ("--check-timeout", str(expected.check_timeout_s)) if expected.check_timeout_s else ()
    graded = grade(*(f"{expected.topic}::{name}" for name in expected.fails),
                   "--target", str(MUTANTS / mutant), *limit)
    checks = {check["name"]: check for check in graded.topic(expected.topic)["checks"]}
    assert set(checks) == set(expected.fails)
    for name, words in expected.fails.items():
        check = checks[name]
        assert check["outcome"] in ("failed", "timeout"), check
        assert check["points"] == 0
        # A list: either of these, where two readings of the same fault are both right.
        assert any(w in check["message"] for w in ([words] if isinstance(words, str) else words)), \
            check["message"]
        assert "by hand" not in check["message"], "advice that reproduces nothing under fork"
