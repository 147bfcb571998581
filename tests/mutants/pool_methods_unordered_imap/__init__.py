"""pool_methods whose ordered_lazily uses imap_unordered."""
