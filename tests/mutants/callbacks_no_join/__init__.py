"""callbacks returning before the callbacks have run."""
