"""process_basics that waits for a hung child forever."""
