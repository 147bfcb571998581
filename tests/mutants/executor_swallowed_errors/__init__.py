"""executor dropping the exceptions raised in workers."""
