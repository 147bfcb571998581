"""process_basics with one Pipe per child instead of a shared Queue."""
