"""Code that ends the grading process itself."""
