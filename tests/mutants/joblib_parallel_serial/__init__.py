"""joblib_parallel with n_jobs=1: every call in the calling process."""
