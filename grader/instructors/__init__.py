"""Instructors' tools: the class release, identity and signing of scorecards, exports, the gradebook."""
