"""A child that leaves a grandchild running after it exits."""
