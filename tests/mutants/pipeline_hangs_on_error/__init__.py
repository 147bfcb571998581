"""pipeline that handles no failure at all."""
