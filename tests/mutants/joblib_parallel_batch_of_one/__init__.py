"""joblib_parallel sending tiny tasks one per message."""
