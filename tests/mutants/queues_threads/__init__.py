"""queues whose consumers are threads of the calling process."""
