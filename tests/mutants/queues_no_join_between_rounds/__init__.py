"""queues that puts every round at once."""
