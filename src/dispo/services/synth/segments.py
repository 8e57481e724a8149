"""The structure of a synthetic municipality: which grants it has, how many, how long and at what price.

A segment is one kind of grant (target group, paragraph, price basis) in steady state: `stock` grants are active
on an ordinary day in the demo municipality (about 95,000 inhabitants), each lasting `years` on average, so
`stock / years` new ones arrive each year. Prices are in the current year's price level, per unit of the price
basis, drawn uniformly between low and high for the provider type picked by its share. One-off segments
(`engang`) give grants a year instead of a stock. Larger worlds scale the stocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Price(NamedTuple):
    """A price band: provider type (None: no provider, a cash benefit), share of grants, low, high."""

    provider_type: str | None
    share: float
    low: float
    high: float


@dataclass(frozen=True)
class Segment:
    """One kind of grant in steady state (see the module docstring)."""

    target_group: str
    paragraph: str
    basis: str
    stock: float
    years: float
    kind: str | None
    prices: tuple[Price, ...]
    shape: float = 2.0
    """Gamma shape of the durations (1 = exponential, higher = more regular)."""
    hours: tuple[float, float, float] | None = None
    """Hours per week (low, mean, high) for `time`."""
    open_share: float = 0.5
    """Share of running grants recorded without an end date."""
    own_payment: tuple[float, float, float] = (0.0, 0.0, 0.0)
    """Share with an own payment, low, high (kr. a month)."""
    expensive: float = 0.0
    """Share that are expensive single cases (over 2 mio. kr. a year)."""
    moved: float = 0.0
    """Share whose acting or paying municipality is another one."""
    male_share: float | None = None
    """Overrides the target group's share of men."""

    @property
    def is_one_off(self) -> bool:
        return self.basis == "engang"


EXPENSIVE_PRICES: tuple[Price, ...] = (
    Price("privat", 0.29, 5600.0, 9000.0),
    Price("region", 0.28, 5600.0, 8600.0),
    Price("anden_kommune", 0.30, 5600.0, 8400.0),
    Price("egen", 0.13, 5600.0, 7400.0),
)
"""Day rates of expensive single cases: 29 % private, 28 % regional (DESIGN.md §8)."""

CHILD_GROUPS = ("boern", "boern_handicap")

MALE_SHARE: dict[str, float] = {
    "handicap": 0.56,
    "psykiatri": 0.48,
    "misbrug": 0.72,
    "hjemloese": 0.78,
    "boern": 0.55,
    "boern_handicap": 0.64,
}

_OWN_107 = Price("egen", 0.25, 618.0, 683.0)
_BOUGHT_107 = (
    Price("anden_kommune", 0.35, 2014.0, 3200.0),
    Price("region", 0.15, 2200.0, 3400.0),
    Price("privat", 0.30, 2014.0, 3000.0),
)
_PRICES_108 = (
    Price("egen", 0.40, 1550.0, 2100.0),
    Price("anden_kommune", 0.25, 2500.0, 3450.0),
    Price("privat", 0.25, 2350.0, 3300.0),
    Price("region", 0.10, 2700.0, 3600.0),
)
_PRICES_105 = (
    Price("egen", 0.70, 1450.0, 2100.0),
    Price("privat", 0.20, 1900.0, 2700.0),
    Price("anden_kommune", 0.10, 2100.0, 2900.0),
)
_PRICES_103 = (
    Price("egen", 0.75, 7500.0, 11000.0),
    Price("anden_kommune", 0.15, 9500.0, 14000.0),
    Price("privat", 0.10, 8500.0, 13000.0),
)
_PRICES_104_DAY = (
    Price("egen", 0.70, 290.0, 430.0),
    Price("anden_kommune", 0.15, 380.0, 580.0),
    Price("region", 0.05, 430.0, 630.0),
    Price("privat", 0.10, 380.0, 580.0),
)
_PRICES_104_MONTH = (Price("egen", 0.6, 10000.0, 14000.0), Price("privat", 0.4, 11000.0, 16000.0))
_PRICES_84 = (
    Price("egen", 0.5, 15000.0, 24000.0),
    Price("privat", 0.3, 18000.0, 28000.0),
    Price("anden_kommune", 0.2, 17000.0, 26000.0),
)
_PRICES_85 = (Price("egen", 0.75, 300.0, 450.0), Price("privat", 0.25, 400.0, 600.0))
_PRICES_97 = (Price("egen", 0.6, 200.0, 260.0), Price("privat", 0.4, 230.0, 300.0))
_PRICES_99 = (Price("egen", 1.0, 350.0, 450.0),)
_EARLY = (Price("egen", 1.0, 3500.0, 6500.0),)
_EARLY_HOURS = (Price("egen", 1.0, 400.0, 550.0),)
_CASH_100 = (Price(None, 1.0, 1000.0, 5000.0),)
_PLACEMENT = (
    Price("egen", 0.55, 700.0, 1400.0),
    Price("privat", 0.30, 2400.0, 4500.0),
    Price("region", 0.10, 3500.0, 6000.0),
    Price("anden_kommune", 0.05, 3000.0, 5500.0),
)

_RESIDENT_PAYMENT = (0.5, 2000.0, 6000.0)


SEGMENTS: tuple[Segment, ...] = (
    # --- handicap: the calibrated adult disability staircase --------------------------------------
    Segment("handicap", "SEL82a", "maaned", 16.5, 0.42, "stoette", _EARLY, shape=3, open_share=0.1),
    Segment(
        "handicap", "SEL82b", "time", 13.5, 0.42, "stoette", _EARLY_HOURS, shape=3, hours=(1, 2, 3),
        open_share=0.1,
    ),
    Segment("handicap", "SEL82c", "maaned", 7.8, 0.42, "stoette", _EARLY, shape=3, open_share=0.1),
    Segment("handicap", "SEL82d", "maaned", 4.3, 0.42, "stoette", _EARLY, shape=3, open_share=0.1),
    Segment("handicap", "SEL103", "maaned", 97, 12, "dag", _PRICES_103, open_share=0.85),
    Segment("handicap", "SEL104", "dag", 188, 13, "dag", _PRICES_104_DAY, open_share=0.85),
    Segment("handicap", "SEL104", "maaned", 23, 13, "dag", _PRICES_104_MONTH, open_share=0.85),
    Segment("handicap", "SEL84", "maaned", 80, 5, "bo", _PRICES_84, open_share=0.6),
    Segment(
        "handicap", "SEL85", "time", 150, 3.3, "stoette", _PRICES_85, shape=1.5, hours=(2, 4.5, 20),
    ),
    Segment("handicap", "SEL95", "aar", 16, 6, None, (Price(None, 1.0, 300e3, 600e3),), open_share=0.8),
    Segment(
        "handicap", "SEL96", "aar", 2.2, 10, "bpa",
        (Price("privat", 0.8, 800e3, 1400e3), Price(None, 0.2, 800e3, 1200e3)), open_share=0.9,
    ),
    Segment("handicap", "SEL96", "maaned", 0.8, 10, "bpa", (Price("privat", 1.0, 70e3, 110e3),), open_share=0.9),
    Segment("handicap", "SEL97", "time", 140, 6, "stoette", _PRICES_97, hours=(2, 3.5, 5), open_share=0.7),
    Segment("handicap", "SEL99", "time", 30, 2, "stoette", _PRICES_99, hours=(1, 2.5, 5), open_share=0.4),
    Segment("handicap", "SEL100", "maaned", 190, 6, None, _CASH_100, open_share=0.7),
    Segment("handicap", "SEL100", "engang", 12, 0, None, (Price(None, 1.0, 3000.0, 40000.0),)),
    Segment(
        "handicap", "SEL102", "maaned", 17, 1, "behandling",
        (Price("privat", 0.6, 5000.0, 15000.0), Price("region", 0.4, 6000.0, 14000.0)), open_share=0.2,
    ),
    Segment("handicap", "SEL102", "engang", 6, 0, "behandling", (Price("privat", 1.0, 10000.0, 60000.0),)),
    Segment(
        "handicap", "SEL107", "dag", 43, 2.6, "bo", (_OWN_107, *_BOUGHT_107), shape=4, expensive=0.03,
        own_payment=_RESIDENT_PAYMENT, moved=0.06,
    ),
    Segment(
        "handicap", "SEL108", "dag", 86, 12, "bo", _PRICES_108, open_share=0.9,
        own_payment=(0.7, 3000.0, 8000.0), expensive=0.10, moved=0.07,
    ),
    Segment("handicap", "ABL105", "dag", 130, 14, "bo", _PRICES_105, open_share=0.9, expensive=0.04, moved=0.05),
    # --- psykiatri --------------------------------------------------------------------------------
    Segment("psykiatri", "SEL82a", "maaned", 8, 0.42, "stoette", _EARLY, shape=3, open_share=0.1),
    Segment(
        "psykiatri", "SEL82b", "time", 5, 0.42, "stoette", _EARLY_HOURS, shape=3, hours=(1, 2, 3),
        open_share=0.1,
    ),
    Segment(
        "psykiatri", "SEL85", "time", 120, 2.5, "stoette", _PRICES_85, shape=1.5, hours=(2, 4, 12),
    ),
    Segment("psykiatri", "SEL99", "time", 30, 2.5, "stoette", _PRICES_99, hours=(1, 2.5, 5), open_share=0.4),
    Segment("psykiatri", "SEL97", "time", 8, 4, "stoette", _PRICES_97, hours=(2, 3.5, 5), open_share=0.7),
    Segment("psykiatri", "SEL100", "maaned", 20, 4, None, (Price(None, 1.0, 1000.0, 4000.0),), open_share=0.7),
    Segment("psykiatri", "SEL103", "maaned", 25, 6, "dag", _PRICES_103, open_share=0.8),
    Segment("psykiatri", "SEL104", "dag", 29, 6, "dag", _PRICES_104_DAY, open_share=0.8),
    Segment("psykiatri", "SEL84", "maaned", 8, 3, "bo", _PRICES_84, open_share=0.6),
    Segment(
        "psykiatri", "SEL107", "dag", 13, 1.5, "bo", (_OWN_107, *_BOUGHT_107), expensive=0.05,
        own_payment=_RESIDENT_PAYMENT, moved=0.06,
    ),
    Segment(
        "psykiatri", "SEL108", "dag", 40, 8, "bo", _PRICES_108, open_share=0.85,
        own_payment=(0.7, 3000.0, 8000.0), expensive=0.10, moved=0.07,
    ),
    Segment("psykiatri", "ABL105", "dag", 140, 10, "bo", _PRICES_105, open_share=0.9, expensive=0.04, moved=0.05),
    # --- misbrug ----------------------------------------------------------------------------------
    Segment(
        "misbrug", "SEL101", "maaned", 40, 0.9, "behandling",
        (Price("egen", 0.7, 4000.0, 9000.0), Price("privat", 0.3, 7000.0, 14000.0)), shape=1.5, open_share=0.3,
    ),
    Segment(
        "misbrug", "SEL101", "dag", 5, 0.3, "behandling",
        (Price("privat", 0.8, 1800.0, 3200.0), Price("region", 0.2, 1800.0, 2800.0)), open_share=0.2,
    ),
    Segment(
        "misbrug", "SEL101a", "maaned", 8, 0.6, "behandling", (Price("egen", 1.0, 2500.0, 6000.0),),
        open_share=0.3,
    ),
    Segment(
        "misbrug", "SUL141", "maaned", 28, 0.8, "behandling",
        (Price("egen", 0.8, 3000.0, 8000.0), Price("privat", 0.2, 5000.0, 10000.0)), shape=1.5, open_share=0.3,
    ),
    # --- hjemloese --------------------------------------------------------------------------------
    Segment(
        "hjemloese", "SEL110", "dag", 20, 0.45, "herberg",
        (
            Price("egen", 0.6, 900.0, 1400.0),
            Price("anden_kommune", 0.25, 1100.0, 1600.0),
            Price("privat", 0.15, 1200.0, 1700.0),
        ),
        shape=1.2, open_share=0.7, own_payment=(0.85, 2500.0, 3600.0), moved=0.05,
    ),
    Segment(
        "hjemloese", "SEL109", "dag", 3, 0.25, "herberg",
        (Price("privat", 0.6, 1300.0, 2000.0), Price("anden_kommune", 0.4, 1300.0, 1900.0)),
        open_share=0.7, male_share=0.0,
    ),
    Segment("hjemloese", "SEL99", "time", 20, 1.5, "stoette", _PRICES_99, hours=(2, 4, 8), open_share=0.4),
    Segment("hjemloese", "SEL85", "time", 15, 1, "stoette", _PRICES_85, hours=(3, 6, 10), open_share=0.3),
    # --- boern ------------------------------------------------------------------------------------
    Segment(
        "boern", "BL32", "maaned", 180, 1.6, "boern",
        (Price("egen", 0.7, 3000.0, 18000.0), Price("privat", 0.3, 8000.0, 30000.0)), shape=1.5, open_share=0.4,
    ),
    Segment("boern", "BL46", "dag", 80, 4, "boern", _PLACEMENT, open_share=0.6, moved=0.05),
    Segment("boern", "BL47", "dag", 18, 2.5, "boern", _PLACEMENT, open_share=0.6, moved=0.05),
    # --- boern_handicap ---------------------------------------------------------------------------
    Segment(
        "boern_handicap", "BL32", "maaned", 60, 3, "boern",
        (Price("egen", 0.6, 8000.0, 20000.0), Price("privat", 0.4, 12000.0, 28000.0)),
    ),
    Segment(
        "boern_handicap", "BL46", "dag", 15, 5, "boern",
        (
            Price("egen", 0.4, 2500.0, 4500.0),
            Price("privat", 0.4, 3500.0, 6500.0),
            Price("region", 0.2, 4000.0, 7000.0),
        ),
        moved=0.05,
    ),
    Segment("boern_handicap", "BL86", "maaned", 130, 4, None, (Price(None, 1.0, 800.0, 4000.0),)),
    Segment("boern_handicap", "BL86", "engang", 15, 0, None, (Price(None, 1.0, 2000.0, 40000.0),)),
    Segment("boern_handicap", "BL87", "maaned", 45, 3, None, (Price(None, 1.0, 12000.0, 35000.0),)),
)  # fmt: skip
"""The demo municipality's grants. Stocks are tuned so that the handicap staircase meets calibration.py."""


class Link(NamedTuple):
    """A grant that comes with another one for the same citizen.

    A companion starts during its host (a resident who also goes to a day centre); a successor starts the day
    after its host ended (from a temporary to a long-term place).
    """

    host_group: str
    host_paragraphs: tuple[str, ...]
    group: str
    paragraph: str
    share: float


COMPANIONS: tuple[Link, ...] = (
    Link("handicap", ("SEL108", "ABL105"), "handicap", "SEL104", 0.45),
    Link("psykiatri", ("SEL108", "ABL105"), "psykiatri", "SEL104", 0.2),
    Link("handicap", ("SEL85",), "handicap", "SEL97", 0.2),
    Link("handicap", ("SEL85",), "handicap", "SEL100", 0.15),
    Link("hjemloese", ("SEL110",), "misbrug", "SUL141", 0.2),
    Link("hjemloese", ("SEL110",), "misbrug", "SEL101", 0.1),
    Link("boern_handicap", ("BL32", "BL87"), "boern_handicap", "BL86", 0.3),
)

SUCCESSORS: tuple[Link, ...] = (
    Link("handicap", ("SEL107",), "handicap", "SEL108", 0.25),
    Link("handicap", ("SEL107",), "handicap", "ABL105", 0.15),
    Link("psykiatri", ("SEL107",), "psykiatri", "ABL105", 0.3),
    Link("hjemloese", ("SEL110",), "hjemloese", "SEL85", 0.15),
    Link("boern", ("BL32",), "boern", "BL46", 0.05),
)


def segment_for(group: str, paragraph: str) -> int:
    """Index of the first recurring segment of a target group and paragraph (for companions, successors)."""
    for index, segment in enumerate(SEGMENTS):
        if segment.target_group == group and segment.paragraph == paragraph and not segment.is_one_off:
            return index
    raise KeyError(f"no segment for {group} {paragraph}")
