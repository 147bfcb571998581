"""callbacks holding the tracker's lock while waiting for the pool."""
