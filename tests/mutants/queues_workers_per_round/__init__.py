"""queues that starts new consumers for every round."""
