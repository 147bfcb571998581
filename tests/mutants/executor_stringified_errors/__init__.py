"""executor keeping only the text of each exception."""
