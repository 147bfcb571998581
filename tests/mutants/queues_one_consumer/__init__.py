"""queues that starts a single consumer, whatever it is asked for."""
