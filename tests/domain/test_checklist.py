"""KL's eight steps as reviewed data: all eight, in order, and a broken file names every problem."""

from __future__ import annotations

import pytest

from dispo.domain.checklist import checklist, parse_checklist
from dispo.domain.datafile import DataFileError


def test_the_shipped_checklist_has_kls_eight_steps_in_order() -> None:
    steps = checklist()
    assert [s.number for s in steps] == list(range(1, 9))
    assert steps[2].title == "Sammenlign aktivitetsdata på tværs af systemer"
    assert steps[7].title == "Hold tungen lige i munden ved systemskifte"


def test_a_file_with_a_step_missing_its_help_or_out_of_order_is_refused_naming_both() -> None:
    document = {
        "steps": [
            {"number": 1, "title": "Et", "help": "x"},
            {"number": 3, "title": "Tre", "help": "x"},
            {"number": 2, "title": "To"},
        ]
    }
    with pytest.raises(DataFileError) as refused:
        parse_checklist(document)
    text = str(refused.value)
    assert "step 3" in text
    assert "help" in text
    assert "numbered 1 to 8 in order, got [1, 3]" in text
