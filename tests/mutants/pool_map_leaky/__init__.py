"""pool_map that never shuts its pool down."""
