"""Writes specs/travel/airline.seed.yaml: Meridian Air, a fictional airline.

Airports are real (IATA codes, names, cities, states); the airline, its
schedule, fares, customers and bookings are invented. Flight times are local
(winter time, before the 2026-03-08 daylight-saving change), and arrival
times follow from block time and the time-zone difference. Every payment is
derived from the booking rules of the spec (fare x passengers, 35.00 per paid
bag, 30.00 insurance per passenger, full refunds on cancellation), so the
seed satisfies the spec's invariants by construction.

Run: python specs/_sources/airline_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib

from seedlib import SPECS, Money, counts, write_yaml

CLOCK = dt.datetime(2026, 3, 1, 9, 0, 0)

# code: (name, city, state, UTC offset in winter)
AIRPORTS = {
    "ATL": ("Hartsfield-Jackson Atlanta International Airport", "Atlanta", "GA", -5),
    "BOS": ("Boston Logan International Airport", "Boston", "MA", -5),
    "DEN": ("Denver International Airport", "Denver", "CO", -7),
    "DFW": ("Dallas Fort Worth International Airport", "Dallas", "TX", -6),
    "JFK": ("John F. Kennedy International Airport", "New York", "NY", -5),
    "LAX": ("Los Angeles International Airport", "Los Angeles", "CA", -8),
    "LGA": ("LaGuardia Airport", "New York", "NY", -5),
    "MIA": ("Miami International Airport", "Miami", "FL", -5),
    "ORD": ("O'Hare International Airport", "Chicago", "IL", -6),
    "PHX": ("Phoenix Sky Harbor International Airport", "Phoenix", "AZ", -7),
    "SEA": ("Seattle-Tacoma International Airport", "Seattle", "WA", -8),
    "SFO": ("San Francisco International Airport", "San Francisco", "CA", -8),
}

# number, origin, destination, local departure, block minutes, aircraft,
# base fares {cabin: price} (basic economy only on the long routes)
ROUTES = [
    ("MA101", "JFK", "LAX", "08:00", 385, "Airbus A321neo", {"basic_economy": 219, "economy": 289, "business": 949}),
    ("MA102", "LAX", "JFK", "13:30", 325, "Airbus A321neo", {"basic_economy": 209, "economy": 279, "business": 929}),
    ("MA210", "SFO", "SEA", "07:15", 125, "Boeing 737-800", {"economy": 129, "business": 389}),
    ("MA211", "SEA", "SFO", "17:40", 130, "Boeing 737-800", {"economy": 124, "business": 379}),
    ("MA330", "ORD", "DEN", "09:10", 160, "Boeing 737 MAX 8", {"economy": 159, "business": 459}),
    ("MA331", "DEN", "ORD", "15:05", 145, "Boeing 737 MAX 8", {"economy": 164, "business": 469}),
    ("MA440", "BOS", "MIA", "06:45", 215, "Airbus A320", {"basic_economy": 149, "economy": 199, "business": 599}),
    ("MA441", "MIA", "BOS", "12:20", 200, "Airbus A320", {"basic_economy": 159, "economy": 209, "business": 619}),
    ("MA520", "ATL", "DFW", "10:00", 145, "Boeing 737-800", {"economy": 149, "business": 429}),
    ("MA521", "DFW", "ATL", "16:30", 130, "Boeing 737-800", {"economy": 144, "business": 419}),
    ("MA610", "LGA", "ORD", "07:00", 155, "Airbus A220-300", {"economy": 139, "business": 399}),
    ("MA611", "ORD", "LGA", "18:15", 135, "Airbus A220-300", {"economy": 149, "business": 409}),
    ("MA730", "PHX", "SFO", "11:20", 115, "Airbus A320", {"economy": 119, "business": 349}),
]

# Operating days and a demand factor on the base fare.
DAYS = {"2026-02-27": 1.00, "2026-03-01": 1.12, "2026-03-03": 0.94, "2026-03-06": 1.18}
CABIN_LETTER = {"basic_economy": "B", "economy": "Y", "business": "J"}
SEATS_RANGE = {"basic_economy": 15, "economy": 60, "business": 9}

STATUS_OVERRIDES = {
    "MA520-20260301": "delayed",  # late inbound aircraft
    "MA330-20260303": "cancelled",  # snowstorm forecast for Chicago
}
SEATS_OVERRIDES = {"MA101-20260303-J": 0, "MA440-20260306-Y": 2, "MA610-20260306-Y": 1}

USERS = [
    # id, first, last, membership, date of birth
    ("mia_li_3003", "Mia", "Li", "gold", "1986-04-12"),
    ("noah_garcia_7412", "Noah", "Garcia", "regular", "1991-09-03"),
    ("olivia_brown_2281", "Olivia", "Brown", "silver", "1979-12-21"),
    ("liam_nguyen_5590", "Liam", "Nguyen", "regular", "1998-02-17"),
    ("ava_patel_1187", "Ava", "Patel", "gold", "1983-07-30"),
    ("ethan_kim_6634", "Ethan", "Kim", "regular", "1995-11-08"),
    ("sofia_rossi_9021", "Sofia", "Rossi", "silver", "1988-05-25"),
    ("lucas_johnson_3358", "Lucas", "Johnson", "regular", "1975-03-14"),
    ("amara_okafor_4470", "Amara", "Okafor", "regular", "1993-08-19"),
    ("daniel_cohen_8125", "Daniel", "Cohen", "gold", "1981-01-06"),
    ("chloe_martin_2946", "Chloe", "Martin", "regular", "2000-10-11"),
    ("mateo_hernandez_7703", "Mateo", "Hernandez", "silver", "1990-06-02"),
    ("hannah_schmidt_1539", "Hannah", "Schmidt", "regular", "1968-09-27"),
    ("yuki_tanaka_8862", "Yuki", "Tanaka", "regular", "1997-03-29"),
    ("omar_haddad_4217", "Omar", "Haddad", "silver", "1985-12-01"),
]

# handle: (owner, kind, label, starting balance or None, certificate for)
INSTRUMENTS = {
    "mia_visa": ("mia_li_3003", "credit_card", "Visa ending 4421", None, None),
    "mia_amex": ("mia_li_3003", "credit_card", "Amex ending 1009", None, None),
    "noah_visa": ("noah_garcia_7412", "credit_card", "Visa ending 7730", None, None),
    "noah_cert": ("noah_garcia_7412", "certificate", "Travel certificate for R1003", "100.00", "R1003"),
    "olivia_mc": ("olivia_brown_2281", "credit_card", "Mastercard ending 5512", None, None),
    "olivia_gift": ("olivia_brown_2281", "gift_card", "Gift card ending 0384", "50.00", None),
    "liam_gift": ("liam_nguyen_5590", "gift_card", "Gift card ending 7719", "300.00", None),
    "liam_visa": ("liam_nguyen_5590", "credit_card", "Visa ending 2267", None, None),
    "ava_amex": ("ava_patel_1187", "credit_card", "Amex ending 3005", None, None),
    "ethan_mc": ("ethan_kim_6634", "credit_card", "Mastercard ending 8840", None, None),
    "sofia_visa": ("sofia_rossi_9021", "credit_card", "Visa ending 6123", None, None),
    "sofia_gift": ("sofia_rossi_9021", "gift_card", "Gift card ending 4402", "250.00", None),
    "lucas_visa": ("lucas_johnson_3358", "credit_card", "Visa ending 9981", None, None),
    "amara_mc": ("amara_okafor_4470", "credit_card", "Mastercard ending 0456", None, None),
    "daniel_visa": ("daniel_cohen_8125", "credit_card", "Visa ending 5170", None, None),
    "daniel_disc": ("daniel_cohen_8125", "credit_card", "Discover ending 3388", None, None),
    "chloe_gift": ("chloe_martin_2946", "gift_card", "Gift card ending 1290", "300.00", None),
    "chloe_visa": ("chloe_martin_2946", "credit_card", "Visa ending 0071", None, None),
    "mateo_amex": ("mateo_hernandez_7703", "credit_card", "Amex ending 6402", None, None),
    "hannah_visa": ("hannah_schmidt_1539", "credit_card", "Visa ending 1548", None, None),
    "hannah_cert": ("hannah_schmidt_1539", "certificate", "Goodwill travel certificate", "75.00", None),
    "yuki_mc": ("yuki_tanaka_8862", "credit_card", "Mastercard ending 2219", None, None),
    "omar_visa": ("omar_haddad_4217", "credit_card", "Visa ending 8056", None, None),
    "omar_gift": ("omar_haddad_4217", "gift_card", "Gift card ending 5561", "120.00", None),
}

# user, flight, cabin, passengers, bags, insured, booked at, paid with,
# (cancelled at, reason) or None
RESERVATIONS = [
    ("mia_li_3003", "MA101-20260303", "business", 1, 2, False, "2026-02-10T14:22:00", "mia_visa", None),
    ("mia_li_3003", "MA102-20260306", "business", 1, 2, False, "2026-02-10T14:25:00", "mia_visa", None),
    ("noah_garcia_7412", "MA211-20260227", "economy", 2, 2, False, "2026-02-01T19:03:00", "noah_visa", None),
    ("noah_garcia_7412", "MA210-20260306", "economy", 2, 3, True, "2026-02-20T08:40:00", "noah_visa", None),
    ("olivia_brown_2281", "MA440-20260303", "economy", 3, 3, True, "2026-02-14T21:10:00", "olivia_mc", None),
    ("olivia_brown_2281", "MA441-20260306", "economy", 3, 3, True, "2026-02-14T21:12:00", "olivia_mc", None),
    ("liam_nguyen_5590", "MA330-20260303", "economy", 1, 1, False, "2026-02-22T12:00:00", "liam_gift", None),
    ("ava_patel_1187", "MA330-20260303", "business", 2, 4, False, "2026-02-18T09:30:00", "ava_amex", None),
    ("ava_patel_1187", "MA331-20260306", "business", 2, 4, False, "2026-02-18T09:34:00", "ava_amex", None),
    ("ethan_kim_6634", "MA520-20260301", "economy", 1, 0, False, "2026-02-25T17:45:00", "ethan_mc", None),
    ("sofia_rossi_9021", "MA101-20260227", "economy", 1, 1, False, "2026-01-30T11:11:00", "sofia_visa", None),
    ("sofia_rossi_9021", "MA102-20260306", "basic_economy", 1, 0, False, "2026-02-28T20:15:00", "sofia_gift", None),
    (
        "lucas_johnson_3358",
        "MA610-20260303",
        "economy",
        1,
        1,
        False,
        "2026-02-26T07:50:00",
        "lucas_visa",
        ("2026-02-26T08:05:00", "Meeting in Chicago moved online"),
    ),
    ("lucas_johnson_3358", "MA610-20260306", "economy", 1, 1, False, "2026-02-26T08:10:00", "lucas_visa", None),
    ("amara_okafor_4470", "MA730-20260303", "economy", 2, 2, False, "2026-02-21T13:00:00", "amara_mc", None),
    ("daniel_cohen_8125", "MA101-20260306", "economy", 4, 6, True, "2026-02-05T10:00:00", "daniel_visa", None),
    ("chloe_martin_2946", "MA211-20260303", "economy", 1, 1, False, "2026-02-28T16:30:00", "chloe_gift", None),
    (
        "mateo_hernandez_7703",
        "MA521-20260303",
        "business",
        1,
        2,
        False,
        "2026-02-12T09:00:00",
        "mateo_amex",
        ("2026-02-19T10:00:00", "Change of plans"),
    ),
    ("mateo_hernandez_7703", "MA521-20260306", "economy", 1, 1, False, "2026-02-19T10:05:00", "mateo_amex", None),
    ("hannah_schmidt_1539", "MA440-20260227", "basic_economy", 1, 0, False, "2026-02-02T22:40:00", "hannah_visa", None),
    ("hannah_schmidt_1539", "MA441-20260303", "basic_economy", 1, 0, False, "2026-02-02T22:44:00", "hannah_visa", None),
    ("yuki_tanaka_8862", "MA210-20260303", "business", 1, 1, False, "2026-02-23T15:20:00", "yuki_mc", None),
    ("omar_haddad_4217", "MA331-20260303", "economy", 2, 4, False, "2026-02-17T18:00:00", "omar_visa", None),
    ("omar_haddad_4217", "MA611-20260306", "economy", 2, 2, False, "2026-02-17T18:06:00", "omar_visa", None),
    ("ethan_kim_6634", "MA521-20260301", "economy", 1, 0, False, "2026-02-25T17:47:00", "ethan_mc", None),
    ("liam_nguyen_5590", "MA331-20260306", "economy", 1, 1, False, "2026-02-22T12:03:00", "liam_visa", None),
    ("chloe_martin_2946", "MA210-20260301", "economy", 1, 0, False, "2026-02-11T09:00:00", "chloe_visa", None),
    (
        "amara_okafor_4470",
        "MA102-20260303",
        "economy",
        1,
        1,
        True,
        "2026-02-09T10:00:00",
        "amara_mc",
        ("2026-02-24T13:30:00", "Family emergency"),
    ),
]


def stamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def stable_int(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def build() -> dict[str, list[dict]]:
    airports = [
        {"code": code, "name": name, "city": city, "state_code": state}
        for code, (name, city, state, _) in sorted(AIRPORTS.items())
    ]
    flights: dict[str, dict] = {}
    fares: dict[str, dict] = {}
    for day, factor in DAYS.items():
        for number, origin, dest, at, minutes, aircraft, base in ROUTES:
            fid = f"{number}-{day.replace('-', '')}"
            departs = dt.datetime.fromisoformat(f"{day}T{at}:00")
            shift = AIRPORTS[dest][3] - AIRPORTS[origin][3]
            arrives = departs + dt.timedelta(minutes=minutes, hours=shift)
            status = STATUS_OVERRIDES.get(fid, "departed" if departs < CLOCK else "scheduled")
            flights[fid] = {
                "id": fid,
                "number": number,
                "origin": origin,
                "destination": dest,
                "departs": stamp(departs),
                "arrives": stamp(arrives),
                "status": status,
                "aircraft": aircraft,
            }
            for cabin, price in base.items():
                fare_id = f"{fid}-{CABIN_LETTER[cabin]}"
                seats = SEATS_OVERRIDES.get(
                    fare_id, stable_int(fare_id) % SEATS_RANGE[cabin] + (3 if cabin == "economy" else 0)
                )
                fares[fare_id] = {
                    "id": fare_id,
                    "flight": fid,
                    "cabin": cabin,
                    "price": Money.of(round(price * factor)),
                    "seats_left": seats,
                }
    flights_sorted = sorted(flights.values(), key=lambda f: (f["departs"], f["id"]))

    users = [
        {
            "id": uid,
            "first_name": first,
            "last_name": last,
            "email": f"{first.lower()}.{last.lower()}@example.com",
            "membership": tier,
            "date_of_birth": born,
        }
        for uid, first, last, tier, born in USERS
    ]
    tiers = {uid: tier for uid, _, _, tier, _ in USERS}

    instrument_ids = {handle: f"PM{1001 + i}" for i, handle in enumerate(INSTRUMENTS)}
    balances = {h: (Money.of(b) if b is not None else None) for h, (_, _, _, b, _) in INSTRUMENTS.items()}

    reservations: list[dict] = []
    payments: list[dict] = []

    def pay(rid: str, handle: str, kind: str, amount: Money, at: str, memo: str) -> None:
        pid = f"P{1001 + len(payments)}"
        payments.append(
            {
                "id": pid,
                "reservation": rid,
                "instrument": instrument_ids[handle],
                "kind": kind,
                "amount": amount,
                "paid_at": at,
                "memo": memo,
            }
        )
        if balances[handle] is not None:
            balances[handle] = balances[handle] - amount if kind == "charge" else balances[handle] + amount
            assert balances[handle].value >= 0, (handle, balances[handle])

    for i, (uid, fid, cabin, party, bags, insured, booked, handle, cancelled) in enumerate(RESERVATIONS):
        rid = f"R{1001 + i}"
        flight = flights[fid]
        assert INSTRUMENTS[handle][0] == uid
        assert booked < flight["departs"] and booked < stamp(CLOCK)
        fare = fares[f"{fid}-{CABIN_LETTER[cabin]}"]
        charges = [(fare["price"] * party, f"fare {fare['id']}")]
        free = tiers[uid] == "gold" or cabin == "business"
        paid_bags = 0 if free else max(bags - party, 0)
        if paid_bags:
            charges.append((Money.of(35) * paid_bags, "checked bags"))
        if insured:
            charges.append((Money.of(30) * party, "travel insurance"))
        first_payment = len(payments)
        for amount, memo in charges:
            pay(rid, handle, "charge", amount, booked, memo)
        total = sum((a for a, _ in charges), Money.of(0))
        res = {
            "id": rid,
            "user": uid,
            "flight": fid,
            "cabin": cabin,
            "passengers": party,
            "total": total,
            "baggage": bags,
            "insurance": insured,
            "status": "booked",
            "booked_at": booked,
        }
        if cancelled is not None:
            at, reason = cancelled
            for charge in payments[first_payment : len(payments)]:
                pay(rid, handle, "refund", charge["amount"], at, f"refund of {charge['id']}")
            res.update(status="cancelled", cancel_reason=reason)
        reservations.append(res)

    instruments = []
    for handle, (owner, kind, label, _, cert_for) in INSTRUMENTS.items():
        instruments.append(
            {
                "id": instrument_ids[handle],
                "owner": owner,
                "kind": kind,
                "label": label,
                "balance": balances[handle],
                "issued_for": cert_for,
            }
        )
    return {
        "Airport": airports,
        "User": users,
        "Flight": flights_sorted,
        "Fare": sorted(fares.values(), key=lambda f: f["id"]),
        "Reservation": reservations,
        "Instrument": instruments,
        "Payment": payments,
    }


def main() -> None:
    tables = build()
    write_yaml(
        SPECS / "travel" / "airline.seed.yaml",
        "airline_seed.py",
        {
            "source": "hand-written synthetic data",
            "note": "Real US airports (IATA codes, names, cities); the airline Meridian Air, its schedule, fares, "
            "customers, payment methods and bookings are invented. Times are local, winter 2026. Emails use "
            "example.com. Payments follow the spec's pricing rules, so totals and balances are consistent.",
            "generator": "specs/_sources/airline_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
