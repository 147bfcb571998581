"""pipeline whose SENTINEL is a fresh object(), which does not survive pickling."""
