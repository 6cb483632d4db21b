"""Retention of concluded contracts, legal holds and the erasure of personal data."""
