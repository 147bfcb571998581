"""joblib_parallel on one worker process."""
