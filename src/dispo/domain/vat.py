"""The VAT compensation (momsafløftning) on services bought from private providers.

Social services are exempt from VAT, so a private provider's price includes VAT it paid on its own purchases
and cannot deduct, while the municipality's own offers are free of that cost through the municipal VAT refund.
To make buying and producing neutral, the municipalities' VAT refund scheme refunds a fixed share of the
payment for VAT-exempt social services bought from private providers: 5 % of the gross price.

Source: lov nr 497 af 07/06/2006 om konkurrencemæssig ligestilling mellem kommuners og regioners
egenproduktion og køb af ydelser hos eksterne leverandører i relation til udgifter til merværdiafgift, and
the bekendtgørelse om momsrefusionsordning for kommuner og regioner (latest nr 891 af 25/06/2025), § 1,
stk. 2, nr. 2 (VAT paid indirectly through payments) with its positive list. The expense net of the refund
is what the follow-up calls "momsafløftet" (DESIGN.md §2, §4). The rate is a parameter because the positive
list sets it and can change; the 5 % is DESIGN.md's figure and was not re-read in the list itself.
"""

from __future__ import annotations

VAT_COMPENSATION_RATE = 0.05


def vat_compensation(gross: float, rate: float = VAT_COMPENSATION_RATE) -> float:
    """The part of a private provider's `gross` price refunded by the VAT scheme (unrounded)."""
    if not 0 <= rate < 1:
        raise ValueError(f"the VAT compensation rate should be a fraction in [0, 1), got {rate}")
    return gross * rate
