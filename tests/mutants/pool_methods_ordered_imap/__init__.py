"""pool_methods whose in_completion_order uses imap."""
