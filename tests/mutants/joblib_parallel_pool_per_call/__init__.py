"""joblib_parallel on the multiprocessing backend."""
