"""queues that puts the sentinels before the producers have ended."""
