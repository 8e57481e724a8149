"""The domain's facts and rules as reviewed data files and pure-Python loaders."""
