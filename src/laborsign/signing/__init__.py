"""Signing: key custody (key stores) and PAdES signatures."""
