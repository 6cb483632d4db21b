"""The web application: API v1, pages and the public trust endpoints."""
