"""Hostile: module-level code that fails."""

raise RuntimeError("config file missing")
