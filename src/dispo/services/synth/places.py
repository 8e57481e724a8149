"""Danish municipalities and regions for the synthetic worlds.

Codes and names are the real kommunekoder; the populations (thousands) are rounded approximations, used only to
size the synthetic municipalities of the national world.
"""

from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    """A municipality: code, name, approximate population in thousands, region."""

    code: str
    name: str
    population: float
    region: str


DEMO = Place("999", "Eksempel Kommune", 95.0, "Region Syddanmark")
"""The synthetic demo municipality (999 is no real municipality code)."""

DEMO_NEIGHBOURS = ("561", "563", "573", "575", "621", "630", "607", "615", "510", "530", "540", "580", "461")
"""Municipalities the demo buys places from (real codes, mostly Region Syddanmark)."""

_H, _S, _D, _M, _N = (
    "Region Hovedstaden",
    "Region Sjælland",
    "Region Syddanmark",
    "Region Midtjylland",
    "Region Nordjylland",
)

MUNICIPALITIES: tuple[Place, ...] = (
    Place("101", "København", 650, _H),
    Place("147", "Frederiksberg", 105, _H),
    Place("151", "Ballerup", 52, _H),
    Place("153", "Brøndby", 35, _H),
    Place("155", "Dragør", 14, _H),
    Place("157", "Gentofte", 75, _H),
    Place("159", "Gladsaxe", 70, _H),
    Place("161", "Glostrup", 24, _H),
    Place("163", "Herlev", 29, _H),
    Place("165", "Albertslund", 28, _H),
    Place("167", "Hvidovre", 54, _H),
    Place("169", "Høje-Taastrup", 52, _H),
    Place("173", "Lyngby-Taarbæk", 56, _H),
    Place("175", "Rødovre", 40, _H),
    Place("183", "Ishøj", 24, _H),
    Place("185", "Tårnby", 43, _H),
    Place("187", "Vallensbæk", 17, _H),
    Place("190", "Furesø", 41, _H),
    Place("201", "Allerød", 26, _H),
    Place("210", "Fredensborg", 41, _H),
    Place("217", "Helsingør", 63, _H),
    Place("219", "Hillerød", 52, _H),
    Place("223", "Hørsholm", 25, _H),
    Place("230", "Rudersdal", 57, _H),
    Place("240", "Egedal", 43, _H),
    Place("250", "Frederikssund", 46, _H),
    Place("253", "Greve", 50, _S),
    Place("259", "Køge", 62, _S),
    Place("260", "Halsnæs", 31, _H),
    Place("265", "Roskilde", 90, _S),
    Place("269", "Solrød", 23, _S),
    Place("270", "Gribskov", 41, _H),
    Place("306", "Odsherred", 33, _S),
    Place("316", "Holbæk", 72, _S),
    Place("320", "Faxe", 37, _S),
    Place("326", "Kalundborg", 49, _S),
    Place("329", "Ringsted", 35, _S),
    Place("330", "Slagelse", 80, _S),
    Place("336", "Stevns", 23, _S),
    Place("340", "Sorø", 30, _S),
    Place("350", "Lejre", 28, _S),
    Place("360", "Lolland", 40, _S),
    Place("370", "Næstved", 84, _S),
    Place("376", "Guldborgsund", 60, _S),
    Place("390", "Vordingborg", 45, _S),
    Place("400", "Bornholm", 39, _H),
    Place("410", "Middelfart", 39, _D),
    Place("420", "Assens", 41, _D),
    Place("430", "Faaborg-Midtfyn", 51, _D),
    Place("440", "Kerteminde", 24, _D),
    Place("450", "Nyborg", 32, _D),
    Place("461", "Odense", 207, _D),
    Place("479", "Svendborg", 59, _D),
    Place("480", "Nordfyn", 29, _D),
    Place("482", "Langeland", 12, _D),
    Place("492", "Ærø", 6, _D),
    Place("510", "Haderslev", 56, _D),
    Place("530", "Billund", 27, _D),
    Place("540", "Sønderborg", 74, _D),
    Place("550", "Tønder", 37, _D),
    Place("561", "Esbjerg", 116, _D),
    Place("563", "Fanø", 3.5, _D),
    Place("573", "Varde", 50, _D),
    Place("575", "Vejen", 42, _D),
    Place("580", "Aabenraa", 58, _D),
    Place("607", "Fredericia", 52, _D),
    Place("615", "Horsens", 96, _M),
    Place("621", "Kolding", 95, _D),
    Place("630", "Vejle", 120, _D),
    Place("657", "Herning", 90, _M),
    Place("661", "Holstebro", 59, _M),
    Place("665", "Lemvig", 19, _M),
    Place("671", "Struer", 21, _M),
    Place("706", "Syddjurs", 43, _M),
    Place("707", "Norddjurs", 37, _M),
    Place("710", "Favrskov", 50, _M),
    Place("727", "Odder", 23, _M),
    Place("730", "Randers", 99, _M),
    Place("740", "Silkeborg", 97, _M),
    Place("741", "Samsø", 3.7, _M),
    Place("746", "Skanderborg", 63, _M),
    Place("751", "Aarhus", 365, _M),
    Place("756", "Ikast-Brande", 42, _M),
    Place("760", "Ringkøbing-Skjern", 56, _M),
    Place("766", "Hedensted", 47, _M),
    Place("773", "Morsø", 20, _N),
    Place("779", "Skive", 46, _M),
    Place("787", "Thisted", 43, _N),
    Place("791", "Viborg", 98, _M),
    Place("810", "Brønderslev", 36, _N),
    Place("813", "Frederikshavn", 59, _N),
    Place("820", "Vesthimmerland", 36, _N),
    Place("825", "Læsø", 1.8, _N),
    Place("840", "Rebild", 30, _N),
    Place("846", "Mariagerfjord", 41, _N),
    Place("849", "Jammerbugt", 38, _N),
    Place("851", "Aalborg", 222, _N),
    Place("860", "Hjørring", 64, _N),
)
"""The 98 Danish municipalities."""

NAMES: dict[str, str] = {place.code: place.name for place in (*MUNICIPALITIES, DEMO)}
