"""queues whose consumers end when get() times out, by an exception."""
