"""The case review (sagsgennemgang) and the controller's calendar settings."""
