"""pipeline whose collector returns the results in the order they arrive."""
