"""Vectorised, pure computations on the ledger's tables. Never imports Django."""
