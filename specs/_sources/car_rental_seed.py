"""Writes specs/travel/car_rental.seed.yaml: Sagebrush Car Rental (fictional).

Real: the airports (IATA codes, names, cities, IANA time zones, from
airportsdata), their states (USPS codes from the `us` package, looked up
from airportsdata's subdivision names), and the vehicle classes, named by
their ACRISS codes (the car-rental industry's standard: category, type,
transmission, air conditioning) with typical US models of each class.
Invented: the company, counter hours, daily rates (higher at busier and
pricier airports), the fleet and licence plates, customers (emails at
example.com) and reservations. Totals follow the spec's pricing rules and no
class is overbooked, so the seed satisfies the spec's invariants by
construction.

Run: python specs/_sources/car_rental_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import airportsdata
import us
from seedlib import SPECS, Money, counts, write_yaml

CLOCK = dt.datetime(2026, 7, 1, 9, 0, 0)

# IATA code, counter hours, price level (per cent of the base rate)
LOCATIONS = [
    ("LAX", "00:00-24:00", 112),
    ("SFO", "05:00-24:00", 118),
    ("SEA", "05:00-24:00", 104),
    ("LAS", "00:00-24:00", 96),
    ("PHX", "05:00-23:30", 92),
    ("DEN", "05:00-24:00", 98),
    ("AUS", "05:30-23:30", 94),
    ("ORD", "00:00-24:00", 106),
    ("MCO", "00:00-24:00", 90),
    ("BOS", "05:00-24:00", 115),
]

# ACRISS code, name, typical models, seats, bags, premium, base daily rate, cars per location
CLASSES = [
    ("ECAR", "Economy", "Mitsubishi Mirage, Kia Rio", 4, 1, False, "42.00", 2),
    ("CCAR", "Compact", "Nissan Versa, Hyundai Accent", 5, 2, False, "46.00", 2),
    ("ICAR", "Intermediate", "Toyota Corolla, Hyundai Elantra", 5, 2, False, "52.00", 3),
    ("SCAR", "Standard", "Volkswagen Jetta, Kia K5", 5, 3, False, "57.00", 1),
    ("FCAR", "Full-size", "Toyota Camry, Nissan Altima", 5, 3, False, "61.00", 2),
    ("IFAR", "Intermediate SUV", "Toyota RAV4, Nissan Rogue", 5, 3, False, "68.00", 2),
    ("FFAR", "Full-size SUV", "Chevrolet Tahoe, Ford Expedition", 7, 4, False, "109.00", 1),
    ("MVAR", "Minivan", "Chrysler Pacifica, Toyota Sienna", 7, 4, False, "95.00", 2),
    ("PCAR", "Premium", "BMW 3 Series, Audi A4", 5, 3, True, "98.00", 1),
    ("LCAR", "Luxury", "Mercedes-Benz E-Class, BMW 5 Series", 5, 3, True, "139.00", 1),
]
MODELS = {c[0]: [m.strip() for m in c[2].split(",")] for c in CLASSES}

# name, date of birth, licence state, licence expires
CUSTOMERS = [
    ("Rachel Kim", "1985-04-12", "CA", "2029-04-12"),
    ("Marcus Johnson", "1978-09-30", "TX", "2027-09-30"),
    ("Emily Nguyen", "2002-02-14", "WA", "2030-02-14"),
    ("Diego Morales", "1990-11-03", "AZ", "2026-07-10"),
    ("Hannah Weiss", "1969-06-21", "NY", "2028-06-21"),
    ("Tyrone Davis", "2003-08-08", "IL", "2029-08-08"),
    ("Olivia Martin", "1995-01-27", "MA", "2031-01-27"),
    ("Kenji Sato", "1982-12-05", "CO", "2027-12-05"),
    ("Aisha Rahman", "1999-03-17", "FL", "2029-03-17"),
    ("Brandon Lee", "2001-07-04", "NV", "2028-07-04"),
    ("Sofia Castillo", "1987-10-10", "TX", "2030-10-10"),
    ("William Turner", "1958-05-29", "OR", "2027-05-29"),
    ("Grace Park", "1993-09-09", "CA", "2026-06-15"),
    ("Noah Fischer", "1975-02-02", "MN", "2028-02-02"),
    ("Lena Kowalski", "2004-04-30", "IL", "2030-04-30"),
    ("Samuel Brooks", "1989-08-16", "GA", "2029-08-16"),
]

# customer, pickup, return location, class, pickup (local), return (local), protection, child seat, status, booked
RESERVATIONS = [
    (
        1,
        "LAX",
        "LAX",
        "IFAR",
        "2026-07-03T10:00:00",
        "2026-07-08T10:00:00",
        True,
        True,
        "reserved",
        "2026-06-10T20:15:00",
    ),
    (
        2,
        "AUS",
        "AUS",
        "FCAR",
        "2026-07-02T08:30:00",
        "2026-07-05T09:00:00",
        False,
        False,
        "reserved",
        "2026-06-20T12:00:00",
    ),
    (
        3,
        "SEA",
        "SFO",
        "CCAR",
        "2026-07-06T12:00:00",
        "2026-07-12T16:00:00",
        True,
        False,
        "reserved",
        "2026-06-25T18:40:00",
    ),
    (
        4,
        "PHX",
        "PHX",
        "ICAR",
        "2026-06-29T14:00:00",
        "2026-07-03T14:00:00",
        False,
        False,
        "picked_up",
        "2026-06-01T09:00:00",
    ),
    (
        5,
        "BOS",
        "BOS",
        "PCAR",
        "2026-07-10T09:00:00",
        "2026-07-14T09:00:00",
        True,
        False,
        "reserved",
        "2026-06-15T07:30:00",
    ),
    (
        6,
        "ORD",
        "ORD",
        "ECAR",
        "2026-07-01T17:00:00",
        "2026-07-04T17:00:00",
        False,
        False,
        "reserved",
        "2026-06-28T22:10:00",
    ),
    (
        7,
        "MCO",
        "MCO",
        "MVAR",
        "2026-07-04T11:00:00",
        "2026-07-11T11:00:00",
        True,
        True,
        "reserved",
        "2026-05-30T10:00:00",
    ),
    (
        8,
        "DEN",
        "DEN",
        "FFAR",
        "2026-07-02T07:00:00",
        "2026-07-09T07:00:00",
        False,
        False,
        "reserved",
        "2026-06-18T16:20:00",
    ),
    (
        9,
        "LAS",
        "LAX",
        "CCAR",
        "2026-07-15T10:00:00",
        "2026-07-18T12:00:00",
        False,
        False,
        "reserved",
        "2026-06-29T13:05:00",
    ),
    (
        10,
        "LAS",
        "LAS",
        "SCAR",
        "2026-07-02T15:00:00",
        "2026-07-04T15:00:00",
        False,
        False,
        "reserved",
        "2026-06-30T19:45:00",
    ),
    (
        11,
        "AUS",
        "AUS",
        "IFAR",
        "2026-06-26T09:00:00",
        "2026-06-30T09:00:00",
        False,
        True,
        "returned",
        "2026-06-02T08:00:00",
    ),
    (
        12,
        "SEA",
        "SEA",
        "LCAR",
        "2026-07-20T13:00:00",
        "2026-07-27T13:00:00",
        True,
        False,
        "reserved",
        "2026-06-12T11:11:00",
    ),
    (
        13,
        "SFO",
        "SFO",
        "ICAR",
        "2026-06-20T10:00:00",
        "2026-06-23T10:00:00",
        False,
        False,
        "returned",
        "2026-06-01T10:00:00",
    ),
    (
        14,
        "ORD",
        "BOS",
        "FCAR",
        "2026-07-08T08:00:00",
        "2026-07-10T18:00:00",
        False,
        False,
        "reserved",
        "2026-06-21T09:30:00",
    ),
    (
        15,
        "ORD",
        "ORD",
        "CCAR",
        "2026-07-02T12:00:00",
        "2026-07-06T12:00:00",
        False,
        False,
        "reserved",
        "2026-06-27T15:00:00",
    ),
    (
        16,
        "LAX",
        "LAX",
        "ICAR",
        "2026-06-30T10:00:00",
        "2026-07-02T10:00:00",
        False,
        False,
        "picked_up",
        "2026-06-22T17:00:00",
    ),
    (
        1,
        "SFO",
        "SFO",
        "CCAR",
        "2026-05-02T09:00:00",
        "2026-05-05T09:00:00",
        False,
        False,
        "returned",
        "2026-04-20T10:00:00",
    ),
    (
        2,
        "DEN",
        "DEN",
        "FCAR",
        "2026-06-15T10:00:00",
        "2026-06-18T10:00:00",
        False,
        False,
        "cancelled",
        "2026-06-01T10:00:00",
    ),
    (
        5,
        "BOS",
        "BOS",
        "ICAR",
        "2026-06-28T09:00:00",
        "2026-06-30T09:00:00",
        False,
        False,
        "no_show",
        "2026-06-25T09:00:00",
    ),
    (
        8,
        "PHX",
        "PHX",
        "IFAR",
        "2026-07-01T11:30:00",
        "2026-07-03T11:30:00",
        False,
        False,
        "reserved",
        "2026-06-30T10:00:00",
    ),
    (
        11,
        "MCO",
        "MCO",
        "MVAR",
        "2026-07-05T10:00:00",
        "2026-07-09T10:00:00",
        False,
        True,
        "reserved",
        "2026-06-14T12:00:00",
    ),
    (
        14,
        "LAS",
        "LAS",
        "FFAR",
        "2026-07-17T09:00:00",
        "2026-07-20T09:00:00",
        False,
        False,
        "reserved",
        "2026-06-24T09:00:00",
    ),
]


def stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def plate(seed: str, state: str) -> str:
    n = stable(seed)
    letters = "".join("ABCDEFGHJKLMNPRSTUVWXYZ"[(n >> (5 * i)) % 23] for i in range(3))
    return f"{state}-{n % 10}{letters}{(n >> 16) % 1000:03d}"


def build() -> dict[str, list[dict]]:
    airports = airportsdata.load("IATA")
    locations, level = [], {}
    for code, hours, price_level in LOCATIONS:
        a = airports[code]
        state = us.states.lookup(a["subd"])
        locations.append(
            {
                "code": code,
                "airport": a["name"],
                "city": a["city"],
                "state": state.abbr,
                "timezone": a["tz"],
                "counter_hours": hours,
            }
        )
        level[code] = price_level
    state_of = {loc["code"]: loc["state"] for loc in locations}
    classes = [
        {"code": c, "name": n, "example_models": m, "seats": s, "bags": b, "premium": p}
        for c, n, m, s, b, p, _, _ in CLASSES
    ]
    rates, vehicles, fleet = [], [], {}
    for code, _, _ in LOCATIONS:
        for c, _, _, _, _, _, base, cars in CLASSES:
            daily = Money.of(round(float(base) * level[code] / 100) - Money.of("0.01").value)
            rates.append({"id": f"{code}-{c}", "location": code, "car_class": c, "daily": daily})
            fleet[(code, c)] = cars
            for k in range(cars):
                models = MODELS[c]
                vehicles.append(
                    {
                        "plate": plate(f"{code}{c}{k}", state_of[code]),
                        "car_class": c,
                        "model": models[k % len(models)],
                        "location": code,
                        "status": "maintenance"
                        if (code, c, k) in {("LAX", "ICAR", 2), ("ORD", "ECAR", 1)}
                        else "available",
                        "odometer_miles": 4000 + stable(f"{code}{c}{k}odo") % 38000,
                    }
                )
    rate_of = {r["id"]: r["daily"] for r in rates}
    premium = {c[0]: c[5] for c in CLASSES}

    customers = []
    for i, (name, dob, state, expires) in enumerate(CUSTOMERS):
        born = dt.date.fromisoformat(dob)
        first, last = name.lower().split()
        customers.append(
            {
                "id": f"CU{2001 + i}",
                "name": name,
                "email": f"{first}.{last}@example.com",
                "date_of_birth": dob,
                "turns_25_on": born.replace(year=born.year + 25).isoformat(),
                "licence_state": state,
                "licence_expires": expires,
                "loyalty_points": 100 * (i % 7),
            }
        )

    reservations, active = [], []
    for n, (c, pick, drop, cls, pick_at, ret_at, prot, seat, status, booked) in enumerate(RESERVATIONS):
        cust = customers[c - 1]
        start, end = dt.datetime.fromisoformat(pick_at), dt.datetime.fromisoformat(ret_at)
        days = (end.date() - start.date()).days
        end = start + dt.timedelta(days=days)  # rentals are whole days of 24 hours
        ret_at = end.isoformat()
        young = start.date() < dt.date.fromisoformat(cust["turns_25_on"])
        assert not (young and premium[cls]), n
        assert booked < pick_at
        daily = rate_of[f"{pick}-{cls}"]
        total = daily * days
        if prot:
            total = total + Money.of("29.99") * days
        if seat:
            total = total + Money.of("14.99") * days
        if young:
            total = total + Money.of("27.00") * days
        one_way = Money.of(150 if pick != drop else 0)
        total = total + one_way
        row = {
            "id": f"RA{70001 + n}",
            "customer": cust["id"],
            "pickup_location": pick,
            "return_location": drop,
            "car_class": cls,
            "pickup_at": pick_at,
            "return_at": ret_at,
            "days": days,
            "daily_rate": daily,
            "protection": prot,
            "child_seat": seat,
            "young_driver": young,
            "one_way_fee": one_way,
            "total": total,
            "status": status,
            "vehicle": None,
            "cancel_fee": Money.of(0),
            "booked_at": booked,
        }
        if status in ("reserved", "picked_up"):
            overlapping = [
                r
                for r in active
                if r["pickup_location"] == pick
                and r["car_class"] == cls
                and r["pickup_at"] < ret_at
                and r["return_at"] > pick_at
            ]
            assert len(overlapping) < fleet[(pick, cls)], n
            active.append(row)
        if status == "picked_up":
            car = next(
                v for v in vehicles if v["location"] == pick and v["car_class"] == cls and v["status"] == "available"
            )
            car["status"] = "rented"
            row["vehicle"] = car["plate"]
        reservations.append(row)
    return {
        "Location": locations,
        "CarClass": classes,
        "Rate": rates,
        "Vehicle": vehicles,
        "Customer": customers,
        "Reservation": reservations,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(f"{n} {version(n)} ({lic})" for n, lic in [("airportsdata", "MIT"), ("us", "BSD-3-Clause")])
    write_yaml(
        SPECS / "travel" / "car_rental.seed.yaml",
        "car_rental_seed.py",
        {
            "source": "derived from registry packages and the ACRISS class codes, plus an invented rental company",
            "packages": packages,
            "real": "airports (IATA codes, names, cities, IANA time zones), USPS state codes, ACRISS vehicle class "
            "codes with typical US models of each class",
            "invented": "Sagebrush Car Rental, counter hours, daily rates, fleet and licence plates, customers (emails "
            "at example.com) and reservations",
            "generator": "specs/_sources/car_rental_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
