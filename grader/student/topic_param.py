"""The TOPIC argument of the student's commands: a topic id, or a usage error that helps."""

from __future__ import annotations

import click

from grader.topics import Topic, get_topic, unknown_topic_message


class TopicParam(click.ParamType):
    """A click parameter type that turns a topic id into its Topic."""

    name = "topic"

    def convert(self, value, param, ctx) -> Topic:
        if isinstance(value, Topic):
            return value
        try:
            return get_topic(value)
        except KeyError:
            self.fail(unknown_topic_message([value]), param, ctx)


TOPIC = TopicParam()
