"""The generation engine: every value a pure function of (seed, table, column, row index),
computed a whole column at a time with NumPy and Arrow."""
