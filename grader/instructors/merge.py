"""A student's scorecards merged topic by topic, under the policy the instructor chooses.

A one-topic regrade must not blank a student's other topics, so each topic is taken from the
scorecards that graded it: the best result or the latest one, among those made before the
deadline. A scorecard's time is its graded commit's when it names one, else when it was made.
Scorecards that cannot be trusted (see gradebook.UNTRUSTED) are shown, never counted, and so
are focused runs (one check, -x), whose topic results cover only part of the topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from grader.reporting.scorecard import NOT_A_RESULT
from grader.topics import LESSON, Topic, topics_of_track

PICKS = ("best", "latest")


@dataclass(frozen=True)
class Policy:
    """How a student's topic results are chosen, and what the course's total is out of."""

    pick: str = "best"
    # Scorecards at or after this time are left out (None: every one counts).
    before: datetime | None = None
    # The course's topics: the denominator is theirs, whatever a scorecard graded.
    topics: tuple[Topic, ...] = ()

    @property
    def course(self) -> tuple[Topic, ...]:
        """The topics the course counts: those named, else the lesson's."""
        return self.topics or topics_of_track(LESSON)

    @property
    def max_score(self) -> int:
        return sum(topic.points for topic in self.course)


@dataclass(frozen=True)
class Pick:
    """The result a topic got from the scorecard chosen for it."""

    topic: dict
    card: dict
    path: str
    at: datetime


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def card_time(card: dict) -> datetime:
    """When a scorecard's work was done: its graded commit's time, else when it was made."""
    committed = (card.get("student") or {}).get("committed_at")
    if isinstance(committed, str):
        try:
            return _aware(datetime.fromisoformat(committed))
        except ValueError:
            pass
    return _aware(datetime.fromisoformat(card["generated_at"]))


def parse_time(text: str) -> datetime:
    """An ISO 8601 time (a date alone is its midnight); one without a zone is UTC."""
    return _aware(datetime.fromisoformat(text))


def merge(cards: list[tuple[str, dict]], policy: Policy) -> dict[str, Pick]:
    """For each course topic graded in one of these (path, card) pairs, the result chosen by the
    policy. The cards given are those that count; a topic no card graded is absent."""
    course = {topic.id for topic in policy.course}
    chosen: dict[str, Pick] = {}
    for path, card in cards:
        at = card_time(card)
        if card.get("focus") or (policy.before is not None and at >= policy.before):
            continue
        for topic in card["topics"]:
            if topic["id"] not in course or topic["status"] in NOT_A_RESULT:
                continue
            pick = Pick(topic, card, path, at)
            known = chosen.get(topic["id"])
            if known is None or _better(pick, known, policy.pick):
                chosen[topic["id"]] = pick
    return chosen


def _better(new: Pick, old: Pick, pick: str) -> bool:
    if pick == "best" and new.topic["score"] != old.topic["score"]:
        return new.topic["score"] > old.topic["score"]
    return new.at >= old.at
