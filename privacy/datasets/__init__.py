"""Anonymity of published datasets: k-anonymity and relatives, re-identification risks, traces, hash reversal."""
