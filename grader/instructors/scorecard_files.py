"""Finding scorecards in files and folders, and loading each one or saying in one line why not.

Scorecards come from students' CI runs, so anything may arrive: a truncated download, a
Gradescope results.json, a scorecard edited by hand. Each file is checked for the fields the
gradebook reads, with the types it needs, so that a bad file is skipped with its reason and
never stops the others being read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

READ_LAYOUT = "1"  # the major schema_version the gradebook understands


class NotAScorecard(ValueError):
    """The file cannot be read as a scorecard; the message is the one-line reason."""


@dataclass(frozen=True)
class Loaded:
    """A scorecard read from a file."""

    path: Path
    card: dict


@dataclass(frozen=True)
class Skipped:
    """A file that was not read as a scorecard, and why."""

    path: Path
    reason: str


def find_scorecards(paths) -> list[Path]:
    """The files named, and every .json file under the folders named, each once, in order."""
    found: list[Path] = []
    seen: set[Path] = set()
    for path in map(Path, paths):
        candidates = ([path] if not path.is_dir()
                      else sorted(p for p in path.rglob("*.json") if p.is_file()))
        for candidate in candidates:
            if candidate.resolve() not in seen:
                seen.add(candidate.resolve())
                found.append(candidate)
    return found


def load_all(paths) -> tuple[list[Loaded], list[Skipped]]:
    """Every scorecard found under paths, and every file skipped with its reason."""
    loaded, skipped = [], []
    for path in find_scorecards(paths):
        try:
            loaded.append(Loaded(path, load_scorecard(path)))
        except NotAScorecard as reason:
            skipped.append(Skipped(path, str(reason)))
    return loaded, skipped


def load_scorecard(path: Path) -> dict:
    """The scorecard in this file; NotAScorecard with the reason when it is not one."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise NotAScorecard(f"cannot be read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotAScorecard(f"not UTF-8 text (byte {error.start} is not), so not a JSON "
                            "scorecard") from None
    return parse_scorecard(text)


def parse_scorecard(text: str) -> dict:
    """The scorecard in this JSON text, checked for every field the gradebook reads."""
    if not text.strip():
        raise NotAScorecard("empty file")
    try:
        card = json.loads(text)
    except json.JSONDecodeError as error:
        # A string left open runs to the end of the text: JSON strings hold no raw newline.
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise NotAScorecard(f"truncated: the JSON stops at line {error.lineno} before it is "
                                "complete") from None
        raise NotAScorecard(f"not valid JSON: {error.msg} (line {error.lineno}, column "
                            f"{error.colno})") from None
    except RecursionError:
        raise NotAScorecard("not valid JSON: nested too deeply") from None
    check_shape(card)
    return card


def generated_time(card: dict) -> datetime:
    """When the scorecard was made, as an aware time (a time without a zone is taken as UTC)."""
    moment = datetime.fromisoformat(card["generated_at"])
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def check_shape(card) -> None:
    """Raise NotAScorecard naming the first field the gradebook needs and cannot use."""
    if not isinstance(card, dict):
        raise NotAScorecard(f"holds a JSON {_json_kind(card)}, not a scorecard (a JSON object)")
    if "schema_version" not in card or "topics" not in card:
        raise NotAScorecard("not a scorecard: it has no schema_version or topics (a JSON file "
                            "of another kind)")
    version = card["schema_version"]
    if not isinstance(version, str) or version.split(".")[0] != READ_LAYOUT:
        raise NotAScorecard(f"scorecard layout {version!r}: this gradebook reads layout "
                            f"{READ_LAYOUT}.x")
    _field(card, "kit_version", str)
    _field(card, "generated_at", str)
    try:
        generated_time(card)
    except ValueError:
        raise NotAScorecard(f"generated_at {card['generated_at']!r} is not an ISO 8601 "
                            "time") from None
    _field(card, "score", int)
    _field(card, "max_score", int)
    for number, topic in enumerate(_field(card, "topics", list), start=1):
        _check_topic(topic, f"topics[{number}]")
    environment = _field(card, "environment", dict)
    _field(environment, "usable_cpus", int, "environment.")
    _field(environment, "usable_cpus_source", str, "environment.", required=False)
    integrity = _field(card, "integrity", dict)
    for name in ("suites", "graded_files"):
        _check_hashes(_field(integrity, name, dict, "integrity."), f"integrity.{name}")
    _field(integrity, "grader", str, "integrity.", required=False)
    student = _field(card, "student", dict, required=False) or {}
    for name in ("name", "login", "repository", "commit"):
        _field(student, name, (str, type(None)), "student.", required=False)


def _check_topic(topic, where: str) -> None:
    if not isinstance(topic, dict):
        raise NotAScorecard(f"{where} should be an object, not {_json_kind(topic)}")
    for name, kind in (("id", str), ("score", int), ("max_score", int), ("status", str)):
        _field(topic, name, kind, f"{where}.")
    for number, check in enumerate(_field(topic, "checks", list, f"{where}.", required=False) or [],
                                   start=1):
        inner = f"{where}.checks[{number}]"
        if not isinstance(check, dict):
            raise NotAScorecard(f"{inner} should be an object, not {_json_kind(check)}")
        for name in ("name", "kind", "outcome"):
            _field(check, name, str, f"{inner}.")
        _field(check, "metrics", dict, f"{inner}.", required=False)


def _check_hashes(hashes: dict, where: str) -> None:
    for topic_id, digest in hashes.items():
        if not isinstance(digest, (str, type(None))):
            raise NotAScorecard(f"{where}.{topic_id} should be a SHA-256 or null, not "
                                f"{_json_kind(digest)}")


def _field(obj: dict, name: str, kind, where: str = "", required: bool = True):
    """obj[name] when it has the JSON type wanted (None when optional and absent)."""
    if name not in obj:
        if required:
            raise NotAScorecard(f"{where}{name} is missing")
        return None
    value = obj[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # JSON true and false arrive as bool, which Python counts as int; a score is never one.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        wanted = " or ".join(_KIND_NAMES[k] for k in kinds)
        raise NotAScorecard(f"{where}{name} should be {wanted}, not {_json_kind(value)}")
    return value


_KIND_NAMES = {str: "a string", int: "an integer", list: "an array", dict: "an object",
               type(None): "null", bool: "true or false"}


def _json_kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {str: "string", int: "number", float: "number", list: "array",
            dict: "object"}.get(type(value), type(value).__name__)
