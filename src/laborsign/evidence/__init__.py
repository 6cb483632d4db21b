"""The evidence log: RFC 9162 Merkle tree, C2SP checkpoints and witnesses, read API."""
