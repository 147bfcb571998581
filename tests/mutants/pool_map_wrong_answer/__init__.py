"""pool_map with a chunksize rule that rounds down."""
