"""callbacks with a lock of its own, lambdas that bind the item, and imap_unordered for progress."""
