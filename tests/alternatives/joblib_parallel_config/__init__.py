"""joblib_parallel written with parallel_config, a Parallel reused as a context manager, and joblib's own batch size."""
