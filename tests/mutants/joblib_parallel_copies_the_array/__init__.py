"""joblib_parallel that turns memory-mapping off."""
