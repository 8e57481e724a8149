"""Use cases: importing, exporting, synthesising and reporting on the ledger."""
