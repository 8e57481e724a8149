"""Imports from the municipalities' source systems through declarative mapping profiles (docs/import-profiles.md).

A profile (YAML, `data/*.yaml` for the shipped ones) maps an export's columns, number and date conventions and
codes onto the canonical tables; `read_file` checks a file through it, `import_file` writes it.
"""

from dispo.services.profiles.model import Profile, load_profile, shipped_profiles

__all__ = ["Profile", "import_file", "load_profile", "read_file", "shipped_profiles"]


def __getattr__(name: str) -> object:
    """`read_file` and `import_file` need Django's store; they load on first use so that profiles do not."""
    if name in ("read_file", "import_file"):
        from dispo.services.profiles import service

        return getattr(service, name)
    raise AttributeError(name)
