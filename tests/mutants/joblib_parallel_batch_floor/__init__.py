"""joblib_parallel with a batch size rounded down."""
