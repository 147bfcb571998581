"""pool_methods whose map_unpacked runs in the calling process."""
