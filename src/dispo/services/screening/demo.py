"""The demo's screening: the demo municipality's expensive cases registered with synthetic answers, its own
aggregate file and the synthetic consortium imported, so every screening page has something to show."""

from __future__ import annotations

from datetime import date

import numpy as np
from django.db import transaction

from dispo.services.screening.aggregate import CannotExport, import_aggregates, municipality_aggregate, to_csv
from dispo.services.screening.questions import latest
from dispo.services.screening.registration import facts, prefill
from dispo.services.screening.synth import consortium_files, draw_answers
from dispo.store.models import Citizen
from dispo.store.screening.models import Screening


def seed_demo(year: int, as_of: date, seed: int = 1) -> int:
    """Register every expensive adult of `year` (the ledger's answers, the rest drawn), then import the
    synthetic consortium with the municipality's own file; the number of registrations made. A year that
    already has registrations is left as it is."""
    if Screening.objects.filter(year=year).exists():
        return 0
    row, questions = latest()
    rng = np.random.default_rng(seed)
    found = facts(year, as_of, None)
    citizens = dict(
        Citizen.objects.filter(citizen_id__in=found["citizen_id"].to_list()).values_list("citizen_id", "pk")
    )
    with transaction.atomic():
        Screening.objects.bulk_create(
            Screening(
                citizen_id=citizens[fact["citizen_id"]],
                year=year,
                question_set=row,
                answers=draw_answers(rng, questions) | prefill(fact, questions),
                status=Screening.Status.DONE,
                updated_by="demo",
            )
            for fact in found.to_dicts()
        )
    files = [(name, text.encode("utf-8")) for name, text in consortium_files(year, seed).items()]
    try:
        own = municipality_aggregate(year, as_of)
        files.append((f"screening-{own.municipality}-{year}.csv", to_csv(own).encode("utf-8")))
    except CannotExport:
        pass
    import_aggregates(files, "demo")
    return found.height
