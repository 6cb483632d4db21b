"""Background jobs on Huey: a SQLite queue file by default, Redis in production.

Domains register job functions with `laborsign.jobs.registry.job`; jobs take ids, not
objects, and are idempotent, because every job may run more than once.
"""
