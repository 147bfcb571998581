"""queues whose producers each put every batch."""
