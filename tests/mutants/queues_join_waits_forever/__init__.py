"""queues that calls the queue's join() with no eye on the consumers."""
