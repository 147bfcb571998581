"""A pool worker killed by a signal."""
