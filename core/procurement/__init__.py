"""Procurement test: one sample device scanned (intrusive probes allowed for this run only), combined
with the vendor's declaration, judged requirement by requirement as pass, fail or conditional."""
