"""queues that puts one sentinel per producer instead of one per consumer."""
