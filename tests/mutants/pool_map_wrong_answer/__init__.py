"""pool_map with an off-by-one and a chunksize rule that rounds down."""
