"""callbacks on a ThreadPool."""
