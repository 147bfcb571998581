"""Hashes that let an instructor see whether a scorecard came from an unedited kit.

The scorecard carries the SHA-256 of each suite that graded it, of each student file it graded,
and one digest of the grader's own code: every module and data file of the installed `grader`
package, the suites excepted (they have their own hashes). An edited line anywhere in the grader
changes the digest, whatever the edit was; of topics.toml, only what decides a grade counts.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

GRADER_DIR = Path(__file__).resolve().parent.parent
# Written by Python, not by anyone: they follow from the sources already hashed. And the stubs
# a release keeps for `grade reset`: exercise text, not grading code, which the kit's own
# repository does not hold.
NOT_HASHED = {"__pycache__", "originals"}


def sha256_of(path: Path) -> str | None:
    """The file's SHA-256, or None when it does not exist."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def grader_files(grader_dir: Path = GRADER_DIR) -> list[Path]:
    """The grader's own files, in a fixed order: everything in the package but the topics'
    suites (test_<topic>.py, hashed one by one), which a release may leave out."""
    suites = grader_dir / "suites"
    return sorted(path for path in grader_dir.rglob("*")
                  if path.is_file()
                  and not (path.parent == suites and path.name.startswith("test_"))
                  and not NOT_HASHED.intersection(path.relative_to(grader_dir).parts)
                  and path.suffix not in (".pyc", ".pyo"))


# Of topics.toml, what decides a grade: the topics, their points, deadlines, tracks and needs
# (which decide whether a topic is graded here at all). Titles, hints and which suites the
# instructor keeps private change no verdict, and a release strips the private topics' hints:
# hashing the file's bytes would call every earlier scorecard "grader edited" once a topic is
# marked private.
TOPICS_FILE = "topics.toml"
GRADING_KEYS = ("id", "points", "deadline_s", "track", "needs")


def _hashed_bytes(path: Path) -> bytes:
    if path.name != TOPICS_FILE:
        return path.read_bytes()
    try:
        topics = tomllib.loads(path.read_text(encoding="utf-8")).get("topic", [])
        facts = [{key: topic.get(key) for key in GRADING_KEYS} for topic in topics]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, AttributeError):
        return path.read_bytes()
    return json.dumps(facts, sort_keys=True).encode("utf-8")


def grader_digest(grader_dir: Path = GRADER_DIR) -> str:
    """One SHA-256 over the grader's files: their paths within the package and their bytes (of
    topics.toml, what decides a grade: see GRADING_KEYS)."""
    digest = hashlib.sha256()
    for path in grader_files(grader_dir):
        digest.update(path.relative_to(grader_dir).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(_hashed_bytes(path)).digest())
    return digest.hexdigest()


def suite_digests(suites_dir: Path, topic_ids) -> dict[str, str | None]:
    """The SHA-256 of each topic's suite file in this folder (None when it has none)."""
    return {topic_id: sha256_of(Path(suites_dir) / f"test_{topic_id}.py") for topic_id in topic_ids}
