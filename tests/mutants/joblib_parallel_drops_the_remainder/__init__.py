"""joblib_parallel whose blocks miss the array's last elements."""
