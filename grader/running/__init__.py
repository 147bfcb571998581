"""Running a topic's hidden suite: its process group, deadline, plugin, events and cleanup."""
