"""Reference solutions, one module per topic, with the same names and signatures as exercises/."""
