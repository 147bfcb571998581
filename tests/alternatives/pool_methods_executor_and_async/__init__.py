"""pool_methods with explicit pool shutdown, an executor for completion order, and async calls."""
