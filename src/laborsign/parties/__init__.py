"""Parties: organisations (employers, dispatch agencies), staff users and their roles,
workers as persons, API keys, authority grants; authentication and security events."""
