"""managers copying the results out before the workers are joined."""
