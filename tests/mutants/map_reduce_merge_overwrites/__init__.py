"""map_reduce whose merge overwrites counts instead of adding them."""
