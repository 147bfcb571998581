"""best_practices sending a local function to the pool."""
