"""managers losing the items left over after an even split."""
