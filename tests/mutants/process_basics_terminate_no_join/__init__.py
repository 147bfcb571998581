"""process_basics that terminates the hung child but never joins it."""
