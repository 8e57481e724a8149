"""The administrator's versions of the staircase models (the shipped YAML stays the default)."""
