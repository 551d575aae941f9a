"""Stage 3, IR: the frozen intermediate representation, names, and the builders that make it from a validated spec."""
