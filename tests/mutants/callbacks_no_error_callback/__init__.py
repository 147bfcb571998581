"""callbacks without an error_callback."""
