"""The TOPIC argument of the student's commands: a topic id, or a usage error that helps."""

from __future__ import annotations

import difflib

import click

from grader.topics import Topic, get_topic, topic_ids


def unknown_topic_message(name: str) -> str:
    """What to say about a name that is no topic: the closest id, if any, and every valid one."""
    close = difflib.get_close_matches(name, topic_ids(), n=1)
    guess = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown topic {name}{guess}. Valid topics: {', '.join(topic_ids())}."


class TopicParam(click.ParamType):
    """A click parameter type that turns a topic id into its Topic."""

    name = "topic"

    def convert(self, value, param, ctx) -> Topic:
        if isinstance(value, Topic):
            return value
        try:
            return get_topic(value)
        except KeyError:
            self.fail(unknown_topic_message(value), param, ctx)


TOPIC = TopicParam()
