"""Known wrong: map_unpacked uses itertools.starmap, in the calling process."""
from itertools import starmap

from solutions.pool_methods import (collect_with_timeout, in_completion_order,  # noqa: F401
                                    map_in_background, ordered_lazily)


def map_unpacked(func, arg_tuples, workers):
    return list(starmap(func, arg_tuples))
