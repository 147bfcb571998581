"""callbacks reporting progress as it gets the results in order."""
