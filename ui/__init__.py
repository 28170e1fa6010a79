"""Qt user interface. Talks to the data only through ``models`` operations."""
