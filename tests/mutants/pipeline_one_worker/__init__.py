"""pipeline with a single transform worker."""
