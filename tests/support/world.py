"""A tiny hand-made ledger as canonical CSV files, with figures simple enough to work out by hand.

As of 2025-06-30, year 2025:
- g1: SEL108, 1,000 kr./day from 2025-01-01, open; Jan booked 31,000, Feb booked 27,000 (1,000 short).
  To date 31,000 + 27,000 + 122 days (Mar–Jun) × 1,000 = 180,000; forecast 31,000 + 27,000 + 306 × 1,000 =
  364,000; 1 årsværk.
- g2: SEL85, 10 h/week × 350 kr./h from 2025-04-01 to 2025-09-30 = 183 days × 500 = 91,500; 183/365 årsværk.
- g3: SEL108, expected, 2,000 kr./day from 2025-10-01, probability 0.5: 92 × 2,000 × 0.5 = 92,000.
- g4: SEL85, ended 2024-12-31: nothing in 2025.
Budgets 2025: SEL108 500,000; SEL85 100,000.
"""

from __future__ import annotations

from pathlib import Path

FILES = {
    "citizens.csv": [
        "citizen_id,cpr,birth_date,sex,household_id",
        "c1,610265-1234,1965-02-01,K,",
        "c2,750390-4321,1990-03-15,M,",
    ],
    "providers.csv": [
        "provider_id,name,provider_type,municipality",
        "p1,Bostedet Egely,privat,999",
        "p2,Støttecentret,egen,999",
    ],
    "units.csv": ["unit_id,name,parent_id", "u0,Social og sundhed,", "u1,Voksenhandicap,u0"],
    "caseworkers.csv": ["caseworker_id,name,unit_id", "sb1,Anna Testesen,u1", "sb2,Bo Prøvesen,u1"],
    "grants.csv": [
        "grant_id,citizen_id,case_id,paragraph,target_group,provider_id,price_basis,rate,hours_per_week,start,end,"
        "status,probability,acting_municipality,paying_municipality,own_payment,caseworker_id,unit_id",
        "g1,c1,k1,SEL108,handicap,p1,dag,1000,,2025-01-01,,bevilget,,999,999,,sb1,u1",
        "g2,c2,k2,SEL85,handicap,p2,time,350,10,2025-04-01,2025-09-30,bevilget,,999,999,,sb2,u1",
        "g3,c1,k1,SEL108,handicap,p1,dag,2000,,2025-10-01,,forventet,0.5,999,999,,sb1,u1",
        "g4,c2,k2,SEL85,handicap,p2,time,350,10,2024-01-01,2024-12-31,afsluttet,,999,999,,sb2,u1",
    ],
    "rates.csv": ["grant_id,valid_from,rate"],
    "payments.csv": [
        "grant_id,service_month,booked_on,amount",
        "g1,2025-01,2025-01-03,31000",
        "g1,2025-02,2025-02-03,28000",
        "g1,2025-02,2025-03-10,-1000",
    ],
    "budgets.csv": [
        "year,target_group,paragraph,unit_id,amount",
        "2025,handicap,SEL108,,500000",
        "2025,handicap,SEL85,,100000",
    ],
}

EXPECTED_2025_06_30 = {
    "g1": {"forecast": 364_000.0, "actual_to_date": 31_000 + 27_000 + 122 * 1000.0, "fte": 1.0},
    "g2": {"forecast": 91_500.0, "actual_to_date": 91 * 500.0, "fte": 183 / 365},
    "g3": {"forecast": 92_000.0, "actual_to_date": 0.0, "fte": 46 / 365},
    "g4": {"forecast": 0.0, "actual_to_date": 0.0, "fte": 0.0},
}


def write_world(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in FILES.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
