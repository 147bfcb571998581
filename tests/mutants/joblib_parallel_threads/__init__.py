"""joblib_parallel on the threading backend."""
