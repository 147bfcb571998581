"""Hostile: module-level code that runs forever."""

while True:
    pass
