"""The topics of the kit, read from topics.toml: the single source of order, titles and points."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from grader.needs import is_need

TOPICS_FILE = Path(__file__).with_name("topics.toml")
SUITES_DIR = Path(__file__).with_name("suites")

_REQUIRED = {"id", "title", "section", "points", "deadline_s", "hints"}
# private_suite = true: a class release leaves this topic's suite out; the instructor grades it.
# track: the lesson's topics are graded by default, another track's when asked for.
# needs: what the topic needs of the Python that grades it (grader.needs).
_OPTIONAL = {"private_suite", "track", "needs"}
LESSON = "lesson"
_HINT_KEYS = {"text", "check"}


@dataclass(frozen=True)
class Hint:
    """One hint: general, or about one check of the topic's suite (named without `test_`)."""

    text: str
    check: str | None = None


@dataclass(frozen=True)
class Topic:
    """One topic of the lesson: a stub to fill, a reference solution and a hidden suite."""

    id: str
    title: str
    section: str
    points: int
    deadline_s: float
    # In the order of topics.toml, so that hints can be given one after another.
    hints: tuple[Hint, ...]
    private_suite: bool = False
    track: str = LESSON
    needs: tuple[str, ...] = ()

    def hint_for(self, failing_check: str | None) -> str | None:
        """The hint about this check, else the first general hint; None when there is neither."""
        tied = next((h for h in self.hints if failing_check and h.check == failing_check), None)
        general = next((h for h in self.hints if h.check is None), None)
        chosen = tied or general
        return chosen.text if chosen else None

    @property
    def suite_path(self) -> Path:
        """The hidden pytest suite that grades this topic."""
        return SUITES_DIR / f"test_{self.id}.py"

    @property
    def kept_by_instructor(self) -> bool:
        """True when the instructor keeps this topic's suite, so that it cannot be graded here."""
        return self.private_suite and not self.suite_path.is_file()

    def module_file(self, package_dir: Path) -> Path:
        """Where this topic's module sits inside a target package directory."""
        return package_dir / f"{self.id}.py"


class TopicsFileError(ValueError):
    """topics.toml is malformed; the message names the file and the entry to fix."""


def parse_hints(raw, where: str) -> tuple[Hint, ...]:
    """A topic's hints from topics.toml, in order; each a string or a table (see parse_hint)."""
    if not isinstance(raw, list):
        raise TopicsFileError(f"{where}: hints must be a list, not {raw!r}")
    return tuple(parse_hint(hint, f"{where}: hint #{number}") for number, hint in enumerate(raw, start=1))


def parse_hint(raw, where: str) -> Hint:
    """A hint from topics.toml: a string (general) or a table { text = "...", check = "name" }."""
    if isinstance(raw, str):
        return Hint(raw)
    if not isinstance(raw, dict):
        raise TopicsFileError(f"{where}: a hint is a string or a table {{ text = \"...\", "
                              f"check = \"...\" }}, not {raw!r}")
    keys = set(raw)
    if keys - _HINT_KEYS or "text" not in keys:
        raise TopicsFileError(f"{where}: unknown keys {sorted(keys - _HINT_KEYS)}, missing keys "
                              f"{sorted({'text'} - keys)}")
    if not all(isinstance(value, str) for value in raw.values()):
        raise TopicsFileError(f"{where}: text and check must be strings, not {raw!r}")
    return Hint(raw["text"], raw.get("check"))


def parse_topics(text: str, source: str = str(TOPICS_FILE)) -> tuple[Topic, ...]:
    """Parse topics from TOML text, rejecting unknown or missing keys and duplicate ids."""
    entries = tomllib.loads(text).get("topic", [])
    topics: list[Topic] = []
    for index, entry in enumerate(entries, start=1):
        keys = set(entry)
        if keys - _REQUIRED - _OPTIONAL or _REQUIRED - keys:
            raise TopicsFileError(
                f"{source}: topic #{index} ({entry.get('id', '?')}): unknown keys "
                f"{sorted(keys - _REQUIRED - _OPTIONAL)}, missing keys {sorted(_REQUIRED - keys)}"
            )
        where = f"{source}: topic #{index} ({entry['id']})"
        if not isinstance(entry.get("private_suite", False), bool):
            raise TopicsFileError(f"{where}: private_suite is true or false, not "
                                  f"{entry['private_suite']!r}")
        track, needs = entry.get("track", LESSON), entry.get("needs", [])
        if not isinstance(track, str) or not track.isidentifier():
            raise TopicsFileError(f"{where}: track is a name such as \"modern\", not {track!r}")
        if not isinstance(needs, list) or not all(isinstance(n, str) and is_need(n)
                                                   for n in needs):
            raise TopicsFileError(f"{where}: needs is a list of \"python>=3.14\", "
                                  f"\"free-threaded\" or \"module:<name>\", not {needs!r}")
        topics.append(
            Topic(
                id=entry["id"],
                title=entry["title"],
                section=entry["section"],
                points=int(entry["points"]),
                deadline_s=float(entry["deadline_s"]),
                hints=parse_hints(entry["hints"], where),
                private_suite=entry.get("private_suite", False),
                track=track,
                needs=tuple(needs),
            )
        )
    ids = [topic.id for topic in topics]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise TopicsFileError(f"{source}: topic ids appear twice: {duplicated}")
    return tuple(topics)


@cache
def all_topics() -> tuple[Topic, ...]:
    """Every topic of the kit, of every track, in the order of topics.toml."""
    return parse_topics(TOPICS_FILE.read_text(encoding="utf-8"))


def tracks() -> list[str]:
    """The tracks of the kit's topics, the lesson first, then in the order they appear."""
    return list(dict.fromkeys([LESSON, *(topic.track for topic in all_topics())]))


def unknown_track_message(track: str) -> str:
    """What to say about a --track that names no track of the kit."""
    return f"--track {track}: the kit's tracks are {', '.join(tracks())}."


def topics_of_track(track: str) -> tuple[Topic, ...]:
    """The topics of one track, in their order."""
    return tuple(topic for topic in all_topics() if topic.track == track)


def topic_ids() -> list[str]:
    """The topic ids in lesson order."""
    return [topic.id for topic in all_topics()]


def get_topic(topic_id: str) -> Topic:
    """The topic with this id; KeyError if there is none."""
    for topic in all_topics():
        if topic.id == topic_id:
            return topic
    raise KeyError(topic_id)


def unknown_topic_message(names: list[str], also: list[str] = ()) -> str:
    """What to say about names that are no topic: for each the closest topic (or other word in
    `also`, such as a command's name), then every valid topic."""
    def guessed(name: str) -> str:
        close = difflib.get_close_matches(name, topic_ids() + list(also), n=1)
        return f"{name} (did you mean {close[0]}?)" if close else name
    return (f"unknown topic {', '.join(guessed(name) for name in names)}. "
            f"Valid topics: {', '.join(topic_ids())}.")
