"""The database behind the ledger: Django models, migrations and bulk loading of tables for the engine."""
