"""pool_methods that leaves the stuck worker running."""
