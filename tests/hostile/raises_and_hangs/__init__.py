"""Code that fails every check in a way that makes pytest quote the suite's source."""
