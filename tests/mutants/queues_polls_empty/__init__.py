"""queues whose consumers stop when the queue looks empty."""
