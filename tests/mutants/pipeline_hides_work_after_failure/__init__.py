"""pipeline that finishes every item before it raises, then erases the records of that work."""
