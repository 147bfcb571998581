"""best_practices sending the table with every key."""
