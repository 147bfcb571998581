"""best_practices with apply_async, imap_unordered and an explicit terminate."""
