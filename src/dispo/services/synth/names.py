"""Word lists for synthetic names of caseworkers and providers (made up; any likeness is chance)."""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Anne", "Mette", "Hanne", "Susanne", "Lene", "Marianne", "Camilla", "Louise", "Maria", "Pia",
    "Tina", "Helle", "Charlotte", "Sofie", "Line", "Katrine", "Birgitte", "Julie", "Ida", "Signe",
    "Peter", "Jens", "Lars", "Søren", "Henrik", "Thomas", "Michael", "Martin", "Rasmus", "Jesper",
    "Anders", "Mads", "Niels", "Morten", "Christian", "Jakob", "Kasper", "Ole", "Frederik", "Simon",
)  # fmt: skip

SURNAMES: tuple[str, ...] = (
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen",
    "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Frederiksen",
    "Lund", "Holm", "Schmidt", "Eriksen", "Kjær", "Bach", "Dam", "Skov", "Lauridsen", "Bertelsen",
)  # fmt: skip

PROVIDER_PREFIXES: dict[str, tuple[str, ...]] = {
    "bo": ("Bostedet", "Botilbuddet", "Bofællesskabet", "Bocentret", "Boligerne"),
    "dag": ("Aktivitetscentret", "Værkstedet", "Dagcentret", "Beskæftigelsestilbuddet", "Samværstilbuddet"),
    "stoette": ("Bostøtten", "Støttecentret", "Ledsagerteamet", "Kontaktteamet", "Socialcentret"),
    "behandling": ("Rusmiddelcentret", "Behandlingscentret", "Misbrugscentret", "Rådgivningscentret"),
    "herberg": ("Forsorgshjemmet", "Herberget", "Krisecentret", "Natvarmestuen"),
    "boern": ("Opholdsstedet", "Døgninstitutionen", "Familiecentret", "Familieplejen", "Aflastningshuset"),
    "bpa": ("Handicapassistance", "Hjælperordningen", "BPA-centret"),
}
"""Name prefixes per provider kind (what the provider offers)."""

PROVIDER_STEMS: tuple[str, ...] = (
    "Egely", "Lindegården", "Kildebakken", "Solvang", "Birkelund", "Møllehøj", "Engtoften", "Fjordbo",
    "Lyngbo", "Strandhøj", "Rosenly", "Granly", "Elmelund", "Vibevang", "Havbo", "Skovly", "Bøgely",
    "Ådalen", "Lærkevej", "Toftegården", "Højvang", "Bakkegården", "Kærbo", "Nørrevang", "Sønderhaven",
    "Østerlund", "Vestervang", "Mosegården", "Pilegården", "Hybenhuset", "Klintebo", "Lundebo",
    "Enghaven", "Søholm", "Egebakken", "Fyrrebo", "Tjørnely", "Kastanjehuset", "Ahornhuset", "Hasselbo",
    "Valmuen", "Solsikken", "Kornblomsten", "Anemonen", "Ravnsholt", "Stenhøj", "Bredebo", "Kirkebo",
    "Fælledgården", "Vindrosen", "Ankeret", "Fyrtårnet", "Bølgen", "Havnehuset", "Nøddebo", "Rønnebo",
)  # fmt: skip
