"""Checks: pure functions of stored facts plus policy, each one module with its metadata.

The catalogue lives in `catalogue/`; a module's name is its check ID.
"""
