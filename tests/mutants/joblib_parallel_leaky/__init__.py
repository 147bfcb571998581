"""joblib_parallel that leaves a process of its own running."""
