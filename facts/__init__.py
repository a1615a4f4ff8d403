"""The contract between observing and judging: attempt records and every probe's frozen facts.

Probes build these records, the store keeps them as JSON, and checks, reports and privacy read them
back typed. Nothing here does I/O or judges.
"""
