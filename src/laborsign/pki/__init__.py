"""Built-in PKI (root and issuing CA, CRL, OCSP) and RFC 3161 time-stamping.

The built-in CA and TSA are a private, development trust root: they make the embedded
default work on one machine. Production points the same ports at a licensed CA and an
authoritative TSA.
"""
