"""Qt item models over the store (lazy where tables can be large)."""
