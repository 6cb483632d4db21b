"""Deadline and risk watch: the written-contract deadline and double-wage exposure, terms and
probation periods ending, and the open-ended entitlement at renewal (docs/watch.md)."""
