"""dispo: the individual-based commitment ledger (dispositionsregnskab) for the specialised social area."""
