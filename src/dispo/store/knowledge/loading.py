"""Storing known.csv and loading it back in one query, as the engine's `KNOWN` table."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from django.db import connection, transaction

from dispo.engine.knowledge import KNOWN
from dispo.services.knowledge import empty, read_known
from dispo.store.knowledge.models import KnownDates
from dispo.store.models import Grant

QUERY = """
    SELECT g.grant_id, k.known_on, k.end_known_on
    FROM knowledge_knowndates k JOIN store_grant g ON g.id = k.grant_id"""


@transaction.atomic
def save_known(frame: pl.DataFrame) -> int:
    """Replace the stored dates of the grants in `frame` (all or nothing); returns the rows written."""
    ids = dict(Grant.objects.filter(grant_id__in=frame["grant_id"].to_list()).values_list("grant_id", "pk"))
    KnownDates.objects.filter(grant_id__in=list(ids.values())).delete()
    rows = [
        KnownDates(grant_id=ids[grant_id], known_on=known_on, end_known_on=end_known_on)
        for grant_id, known_on, end_known_on in frame.select(list(KNOWN)).iter_rows()
    ]
    KnownDates.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def import_known(path: Path) -> int:
    """Validate known.csv against the stored grants, then store it; a bad file writes nothing, and importing
    the same file twice changes nothing."""
    return save_known(read_known(path, Grant.objects.values_list("grant_id", flat=True)))


def load_known() -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(QUERY)
        rows = cursor.fetchall()
    if not rows:
        return empty()
    raw = pl.DataFrame(rows, schema=list(KNOWN), orient="row", infer_schema_length=None)
    return raw.select(
        pl.col("grant_id").cast(pl.String),
        *(
            (pl.col(c).str.to_date("%Y-%m-%d") if raw.schema[c] == pl.String else pl.col(c).cast(pl.Date)).alias(c)
            for c in ("known_on", "end_known_on")
        ),
    )


def token() -> tuple[int, int]:
    """Changes whenever the stored dates do: a cache key beside the ledger's version."""
    last = KnownDates.objects.order_by("-pk").values_list("pk", flat=True).first()
    return KnownDates.objects.count(), last or 0
