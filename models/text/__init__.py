"""Vietnamese text: normalisation, identifiers, and the one formatter (output) and parser (input) of numbers and dates.

Imports nothing else of the project."""
