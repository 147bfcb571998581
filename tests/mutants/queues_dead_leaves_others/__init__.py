"""queues that reports a dead consumer but leaves the others running."""
