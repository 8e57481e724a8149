"""The population by municipality, age, sex and quarter: the denominator of figures per inhabitant."""
