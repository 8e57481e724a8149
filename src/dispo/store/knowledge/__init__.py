"""When each grant became known: the decision date and the day its end was registered (known.csv)."""
