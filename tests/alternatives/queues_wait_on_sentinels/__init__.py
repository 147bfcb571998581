"""queues with an explicit context, and a wait on the consumers' sentinels beside the queue's join()."""
