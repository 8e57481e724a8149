"""The stored ledger and its forecasts, cached per process until the next write.

Loading and forecasting the whole ledger costs a few hundred milliseconds on a municipality; a page asks for it
many times a minute. Every write bumps `LedgerVersion`, so a cached value is used only while nothing has been
written since — an edit shows everywhere at once. That includes a new version of a staircase model: the frames
carry each grant's step under the models in effect (`staircases.step_table`).
"""

from __future__ import annotations

import threading
from datetime import date
from functools import lru_cache

import polars as pl
from django.conf import settings

from dispo.engine.forecast import forecast_months
from dispo.services.followup import FollowUpRow, followup_frame, followup_rows
from dispo.services.ledger import Ledger
from dispo.services.reports import ledger_frame
from dispo.services.staircases import step_table
from dispo.store.loading import load_ledger
from dispo.store.models import LedgerVersion

_lock = threading.Lock()


@lru_cache(maxsize=2)
def _ledger(version: str) -> Ledger:
    return load_ledger()


@lru_cache(maxsize=16)
def _frame(version: str, year: int, as_of: date) -> pl.DataFrame:
    return ledger_frame(_ledger(version), year, as_of, settings.MUNICIPALITY, step_table()).collect()


@lru_cache(maxsize=4)
def _months(version: str, year: int, as_of: date) -> pl.DataFrame:
    ledger = _ledger(version)
    return forecast_months(ledger["grants"], ledger["payments"], ledger["rates"], year, as_of).collect()


@lru_cache(maxsize=16)
def _followup(version: str, year: int, as_of: date) -> tuple[pl.DataFrame, list[FollowUpRow]]:
    grants, budgets = _frame(version, year, as_of), _ledger(version)["budgets"]
    return followup_frame(grants, budgets, year), followup_rows(grants, budgets, year)


def version() -> str:
    """The token of the stored ledger's current state: a cache key for anything computed from it."""
    return LedgerVersion.current()


def ledger() -> Ledger:
    """The stored ledger as canonical tables (CPR masked)."""
    with _lock:
        return _ledger(LedgerVersion.current())


def grant_frame(year: int, as_of: date) -> pl.DataFrame:
    """Every grant with money or activity in `year`: its forecast as of `as_of`, net figures and attributes."""
    with _lock:
        return _frame(LedgerVersion.current(), year, as_of)


def month_frame(year: int, as_of: date) -> pl.DataFrame:
    """The forecast's month table for every grant (`engine.forecast.MONTH_COLUMNS`): per grant and service
    month the days, computed and booked amounts, actual to date, remaining and forecast."""
    with _lock:
        return _months(LedgerVersion.current(), year, as_of)


def followup(year: int, as_of: date) -> tuple[pl.DataFrame, list[FollowUpRow]]:
    """The budget follow-up table of the stored ledger: its frame (for downloads) and its rows (for the page)."""
    with _lock:
        return _followup(LedgerVersion.current(), year, as_of)


def clear() -> None:
    """Forget every cached value (for tests that write behind the services' back)."""
    _ledger.cache_clear()
    _frame.cache_clear()
    _months.cache_clear()
    _followup.cache_clear()
