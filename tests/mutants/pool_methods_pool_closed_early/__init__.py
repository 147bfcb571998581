"""pool_methods that returns imap's iterator from inside the with block."""
