"""Writes specs/housing/rentals.seed.yaml: Spreeblick Hausverwaltung (fictional), Berlin.

Real: the Berlin districts and street names (hand-written public facts), the
Berlin public holidays on which technicians and the office do not work
(`holidays`, subdivision BE), and the tenants' direct-debit IBANs: German
IBANs at real Berlin banks (bank codes from schwifty's registry, which is
checked to know them), with check digits computed by schwifty. Invented: the
property manager, house numbers, buildings, flats, rents (plausible Berlin
rents per square metre by district), tenants (emails at example.de, phone
numbers from the 030 555 range), leases, rent accounts, repair requests and
viewings.

Rent accounts follow the spec: rent (cold plus service charges) is charged on
the 1st of each month and debited on the first working day; some debits
bounced. A lease's balance is its charges less its payments and credits, a
deposit is at most three months' cold rent, and a flat's status follows its
current lease, so the seed satisfies the invariants by construction.

Run: python specs/_sources/rentals_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from importlib.metadata import version

import holidays
from schwifty import IBAN
from seedlib import SPECS, Money, counts, write_yaml

TODAY = dt.date(2026, 3, 3)
NOW = dt.datetime(2026, 3, 3, 9, 30)
CALENDAR = (dt.date(2026, 3, 1), dt.date(2026, 9, 30))
RENT_MONTHS = [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]

# Berlin bank codes (BLZ) of real banks, looked up in schwifty's registry
BANKS = ["10010010", "10050000", "10070000", "10040000", "10090000", "12030000"]

# id, name, street (real street, invented number), district, year built, lift, cold rent per m2
BUILDINGS = [
    ("B-FK-1", "Wrangelkiez", "Wrangelstraße 41", "Friedrichshain-Kreuzberg", 1905, False, "13.80"),
    ("B-NK-1", "Sonnenhof", "Sonnenallee 118", "Neukölln", 1911, False, "11.40"),
    ("B-PK-1", "Kastanienhof", "Kastanienallee 27", "Pankow", 1898, True, "14.60"),
    ("B-CW-1", "Kantblick", "Kantstraße 152", "Charlottenburg-Wilmersdorf", 1929, True, "15.20"),
    ("B-TK-1", "Bölschehaus", "Bölschestraße 64", "Treptow-Köpenick", 1996, True, "10.30"),
]
FLOORS = ["EG links", "EG rechts", "1. OG links", "1. OG rechts", "2. OG links", "2. OG rechts"]

TENANTS = [
    "Julia Schneider",
    "Mehmet Yılmaz",
    "Anna Kowalczyk",
    "Lukas Hoffmann",
    "Sophie Wagner",
    "Felix Braun",
    "Leonie Krüger",
    "Ahmad Rahimi",
    "Marie Dubois",
    "Jonas Richter",
    "Clara Neumann",
    "Tim Schwarz",
    "Elif Demir",
    "Paul Zimmermann",
    "Hanna Lehmann",
    "Nikolai Petrov",
    "Laura Schmitt",
    "Max Wolf",
    "Emma Becker",
    "David Klein",
    "Sara Lindberg",
    "Ben Hartmann",
    "Lina Krause",
    "Noah Schulz",
    # former tenants
    "Greta Vogel",
    "Oskar Peters",
    # prospective tenants, no lease
    "Amelie Frank",
    "Kenji Sato",
    "Isabel Moreno",
    "Yusuf Aydın",
]
# flat no. (0-based over all flats) -> tenant no. for current leases; the other flats are vacant
CURRENT = {
    0: 0,
    1: 1,
    2: 2,
    3: 3,
    5: 4,
    6: 5,
    7: 6,
    8: 7,
    9: 8,
    11: 9,
    12: 10,
    13: 11,
    14: 12,
    15: 13,
    17: 14,
    18: 15,
    19: 16,
    20: 17,
    21: 18,
    22: 19,
    24: 20,
    25: 21,
    26: 22,
    28: 23,
}
NOTICE = {7: "2026-04-30", 14: "2026-05-31", 25: "2026-06-30"}  # flat -> move-out (notice given)
BOUNCED = {(1, 2), (8, 1), (8, 2), (19, 2)}  # (flat, month no.) whose direct debit bounced
PAID_ARREARS = {(8, 1)}  # bounced, then paid by transfer
FORMER = [(4, 24, "2019-05-01", "2026-01-31"), (10, 25, "2021-09-01", "2026-02-28")]  # flat, tenant, start, end

# flat no., category, emergency, description, status, created (days before now), visit (days from today) or None
REQUESTS = [
    (0, "heating", True, "Radiators in the living room and bedroom stay cold", "scheduled", 1, 1),
    (2, "plumbing", False, "Kitchen tap drips constantly", "open", 4, None),
    (3, "windows_doors", False, "Balcony door does not close properly", "scheduled", 9, 6),
    (6, "appliance", False, "Built-in oven does not heat", "done", 30, -20),
    (9, "pests", False, "Mice in the cellar compartment", "open", 2, None),
    (12, "electrical", False, "Hallway light switch sparks when used", "scheduled", 3, 2),
    (13, "plumbing", True, "Water leaking through the bathroom ceiling", "done", 12, -11),
    (15, "other", False, "Intercom does not ring in the flat", "cancelled", 25, None),
    (18, "heating", False, "Boiler pressure drops every few days", "open", 6, None),
    (20, "windows_doors", False, "Bedroom window draughty, seal worn", "open", 15, None),
    (22, "appliance", False, "Extractor fan in the bathroom is loud", "done", 40, -33),
    (24, "plumbing", False, "Shower drains slowly", "scheduled", 5, 9),
    (26, "electrical", False, "Socket in the kitchen has no power", "open", 1, None),
    (1, "heating", False, "Thermostat valve stuck on the kitchen radiator", "done", 60, -52),
]

# flat no., visitor (tenant no.), day offset from today, hour, minute, cancelled
VIEWINGS = [
    (4, 26, 2, 17, 0, False),
    (4, 27, 2, 17, 30, False),
    (10, 28, 6, 10, 0, False),
    (10, 29, 6, 10, 30, True),
    (7, 26, 8, 18, 0, False),
    (16, 27, 9, 16, 0, False),
    (29, 28, -4, 11, 0, False),
    (23, 29, 13, 9, 0, False),
]


def stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def iban_of(seed: str) -> str:
    iban = IBAN.generate("DE", bank_code=BANKS[stable(seed) % len(BANKS)], account_code=f"{stable(seed + 'k'):010d}")
    assert iban.bank is not None, iban.bank_code  # the registry knows the bank
    return str(iban.compact)


def email_of(name: str) -> str:
    ascii_name = name.lower().translate(str.maketrans({"ı": "i", "ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss"}))
    first, last = ascii_name.split(" ", 1)
    return f"{first}.{last}@example.de"


def first_working_day(month: dt.date, closed: set[dt.date]) -> dt.date:
    day = month
    while day.weekday() >= 5 or day in closed:
        day += dt.timedelta(days=1)
    return day


def build() -> dict[str, list[dict]]:
    public = holidays.country_holidays("DE", subdiv="BE", years=[2025, 2026], language="en_US")
    days, closed = [], set(public)
    day = CALENDAR[0]
    while day <= CALENDAR[1]:
        works = day.weekday() < 5 and day not in public
        days.append(
            {
                "id": day.isoformat(),
                "day": day.isoformat(),
                "technicians_work": works,
                "month_end": (day + dt.timedelta(days=1)).day == 1,
                "holiday": public.get(day),
                "opens": f"{day.isoformat()}T09:00:00",
                "closes": f"{day.isoformat()}T18:00:00",
            }
        )
        day += dt.timedelta(days=1)
    work_days = [d for d in days if d["technicians_work"]]

    buildings, units = [], []
    for bid, name, street, district, built, lift, per_m2 in BUILDINGS:
        buildings.append(
            {"id": bid, "name": name, "street": street, "district": district, "built": built, "has_lift": lift}
        )
        for floor_no, label in enumerate(FLOORS):
            flat = f"{bid}-{floor_no // 2:02d}{floor_no % 2 + 1:02d}"
            area = 38 + stable(flat) % 72
            rooms = 1 if area < 45 else 2 if area < 70 else 3 if area < 95 else 4
            cold = Money.of(Decimal(per_m2) * area)
            units.append(
                {
                    "id": flat,
                    "building": bid,
                    "label": label,
                    "rooms": rooms,
                    "area_m2": float(area),
                    "rent_cold": cold,
                    "service_charges": Money.of(Decimal("2.65") * area),
                    "status": "vacant",
                    "available_from": None,
                }
            )

    tenants = []
    for n, name in enumerate(TENANTS):
        tenants.append(
            {
                "id": f"T{1001 + n}",
                "name": name,
                "email": email_of(name),
                "phone": f"030 555 {1000 + stable(name) % 9000:04d}",
                "iban": iban_of(name) if n < 26 else None,
            }
        )

    leases, entries = [], []
    for flat_no, tenant_no, start, end in FORMER:
        unit = units[flat_no]
        lid = f"L-{start[:4]}-{flat_no + 1:03d}"
        leases.append(
            {
                "id": lid,
                "unit": unit["id"],
                "tenant": tenants[tenant_no]["id"],
                "starts": start,
                "move_out": end,
                "rent_cold": unit["rent_cold"],
                "service_charges": unit["service_charges"],
                "deposit": unit["rent_cold"] * 3,
                "status": "ended",
                "balance": Money.of(0),
            }
        )
        unit["available_from"] = (dt.date.fromisoformat(end) + dt.timedelta(days=1)).isoformat()
    for flat_no, tenant_no in sorted(CURRENT.items()):
        unit = units[flat_no]
        start = dt.date(2014 + stable(unit["id"]) % 11, 1 + stable(unit["id"] + "m") % 12, 1)
        lid = f"L-{start.year}-{flat_no + 1:03d}"
        rent = unit["rent_cold"] + unit["service_charges"]
        balance = Money.of(0)
        for m, month in enumerate(RENT_MONTHS):
            entries.append({"lease": lid, "kind": "rent", "amount": rent, "on": month.isoformat(), "note": "rent"})
            balance += rent
            debit_day = first_working_day(month, closed)
            if (flat_no, m) in BOUNCED:
                fee = Money.of("5.00")
                entries.append(
                    {"lease": lid, "kind": "late_fee", "amount": fee, "on": debit_day.isoformat(), "note": "bank fee"}
                )
                balance += fee
                if (flat_no, m) in PAID_ARREARS:
                    on = debit_day + dt.timedelta(days=9)
                    entries.append(
                        {
                            "lease": lid,
                            "kind": "payment",
                            "amount": rent + fee,
                            "on": on.isoformat(),
                            "note": "transfer",
                        }
                    )
                    balance -= rent + fee
            else:
                entries.append(
                    {"lease": lid, "kind": "payment", "amount": rent, "on": debit_day.isoformat(), "note": "debit"}
                )
                balance -= rent
        # the 2025 service-charge settlement, sent in February: some owe, some get a credit
        settle = Money.of(Decimal(stable(lid + "s") % 40000) / 100 - 150)
        if settle.value > 0:
            entries.append(
                {"lease": lid, "kind": "settlement", "amount": settle, "on": "2026-02-16", "note": "settlement 2025"}
            )
            balance += settle
            if stable(lid + "p") % 3:
                entries.append(
                    {"lease": lid, "kind": "payment", "amount": settle, "on": "2026-02-27", "note": "transfer"}
                )
                balance -= settle
        elif settle.value < 0:
            credit = Money.of(-settle.value)
            entries.append(
                {"lease": lid, "kind": "credit", "amount": credit, "on": "2026-02-16", "note": "settlement 2025"}
            )
            balance -= credit
        status, move_out = "active", None
        unit["status"] = "let_out"
        unit["available_from"] = None
        if flat_no in NOTICE:
            status, move_out = "terminated", NOTICE[flat_no]
            unit["status"] = "notice_given"
            unit["available_from"] = (dt.date.fromisoformat(move_out) + dt.timedelta(days=1)).isoformat()
        leases.append(
            {
                "id": lid,
                "unit": unit["id"],
                "tenant": tenants[tenant_no]["id"],
                "starts": start.isoformat(),
                "move_out": move_out,
                "rent_cold": unit["rent_cold"],
                "service_charges": unit["service_charges"],
                "deposit": unit["rent_cold"] * (3 if stable(lid + "d") % 4 else 2),
                "status": status,
                "balance": balance,
            }
        )
    for unit in units:
        if unit["status"] == "vacant" and unit["available_from"] is None:
            unit["available_from"] = "2026-03-15"
    entries.sort(key=lambda e: (e["on"], e["lease"]))
    for n, e in enumerate(entries, start=1):
        e["id"] = f"E{1000 + n}"

    tenant_of_flat = {flat: tenants[t]["id"] for flat, t in CURRENT.items()}
    requests = []
    for flat_no, category, emergency, text, status, ago, visit in REQUESTS:
        created = NOW - dt.timedelta(days=ago, hours=stable(text) % 7, minutes=stable(text + "m") % 60)
        visit_on = None
        if visit is not None:
            target = TODAY + dt.timedelta(days=visit)
            if visit > 0:
                target = dt.date.fromisoformat(next(d["id"] for d in work_days if d["day"] >= target.isoformat()))
            visit_on = target.isoformat()
        requests.append(
            {
                "id": f"RQ{3001 + len(requests)}",
                "unit": units[flat_no]["id"],
                "tenant": tenant_of_flat[flat_no],
                "category": category,
                "emergency": emergency,
                "description": text,
                "created": created.isoformat(),
                "status": status,
                "visit_on": visit_on,
            }
        )

    viewings = []
    for flat_no, visitor, offset, hour, minute, cancelled in VIEWINGS:
        unit = units[flat_no]
        assert unit["status"] != "let_out", unit["id"]
        day = TODAY + dt.timedelta(days=offset)
        assert day.weekday() < 5 and day not in public, day
        viewings.append(
            {
                "id": f"VW{501 + len(viewings)}",
                "unit": unit["id"],
                "visitor": tenants[visitor]["id"],
                "at": dt.datetime(day.year, day.month, day.day, hour, minute).isoformat(),
                "cancelled": cancelled,
            }
        )
    return {
        "Building": buildings,
        "Unit": units,
        "Tenant": tenants,
        "Lease": leases,
        "Entry": entries,
        "Request": requests,
        "Viewing": viewings,
        "Day": days,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(f"{n} {version(n)} ({lic})" for n, lic in [("holidays", "MIT"), ("schwifty", "MIT")])
    write_yaml(
        SPECS / "housing" / "rentals.seed.yaml",
        "rentals_seed.py",
        {
            "source": "derived from registry packages and public facts about Berlin, plus an invented property manager",
            "packages": packages,
            "real": "Berlin districts and street names, the Berlin public holidays (office and technicians closed), "
            "German IBAN format and check digits at real Berlin banks (bank codes from schwifty's registry)",
            "invented": "Spreeblick Hausverwaltung, house numbers, buildings, flats, rents, tenants (emails at "
            "example.de), leases, rent accounts, repair requests and viewings",
            "generator": "specs/_sources/rentals_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
