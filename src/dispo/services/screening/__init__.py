"""The screening of expensive single cases and the consortium built on it (docs/screening.md)."""
