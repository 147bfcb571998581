"""pipeline that finishes every item before it raises the first error."""
