"""Backup and restore of a whole installation: database, documents, key material."""
