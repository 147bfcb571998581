"""pipes with a sender thread, connections closed by `with`, and a generator reading until EOF."""
