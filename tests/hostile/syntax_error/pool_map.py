"""Hostile: a syntax error."""


def parallel_map(func, items, workers:
    return []
