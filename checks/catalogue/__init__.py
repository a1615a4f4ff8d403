"""The built-in check catalogue: one module per check, named by its check ID."""
