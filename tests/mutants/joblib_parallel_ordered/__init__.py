"""joblib_parallel whose results wait for the slow ones."""
