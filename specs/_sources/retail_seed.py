"""Writes specs/commerce/retail.seed.yaml: Northwind Goods, a fictional store.

Customers, products, prices, orders and returns are invented. Phone numbers
use the 555-01xx range reserved for fiction, emails use example domains.
Order amounts follow the spec's checkout rules (subtotal = sum of lines,
percentage promo rounded to cents half away from zero, free shipping from a
50.00 subtotal, else 6.99), loyalty points are 10 per item on placed orders,
and returned quantities equal the open and completed return requests, so the
seed satisfies the spec's invariants by construction.

Run: python specs/_sources/retail_seed.py
"""

from __future__ import annotations

from seedlib import SPECS, Money, counts, write_yaml

CLOCK_DATE = "2026-03-12"

CUSTOMERS = [
    # id, name, email, phone, address, member since
    (
        10001,
        "Grace Holloway",
        "grace.holloway@example.com",
        "+1 206-555-0142",
        "1423 Pine St Apt 5, Seattle, WA 98101",
        "2022-05-14",
    ),
    (
        10002,
        "Marcus Reed",
        "marcus.reed@example.net",
        "+1 512-555-0178",
        "908 Oak Hollow Dr, Austin, TX 78745",
        "2023-01-09",
    ),
    (10003, "Priya Raman", "priya.raman@example.com", None, "77 Beacon St, Boston, MA 02108", "2021-11-30"),
    (
        10004,
        "Diego Alvarez",
        "diego.alvarez@example.com",
        "+1 305-555-0119",
        "2250 Coral Way, Miami, FL 33145",
        "2024-03-22",
    ),
    (
        10005,
        "Hannah Fischer",
        "hannah.fischer@example.org",
        "+1 303-555-0163",
        "1600 Glenarm Pl, Denver, CO 80202",
        "2020-08-03",
    ),
    (10006, "Kwame Mensah", "kwame.mensah@example.com", None, "415 W Erie St, Chicago, IL 60654", "2025-06-17"),
    (
        10007,
        "Emily Zhang",
        "emily.zhang@example.com",
        "+1 415-555-0127",
        "3150 18th St, San Francisco, CA 94110",
        "2022-12-01",
    ),
    (
        10008,
        "Tomás Silva",
        "tomas.silva@example.net",
        "+1 602-555-0195",
        "4820 N 7th Ave, Phoenix, AZ 85013",
        "2023-09-12",
    ),
    (
        10009,
        "Rachel Goldberg",
        "rachel.goldberg@example.com",
        "+1 212-555-0184",
        "240 E 82nd St, New York, NY 10028",
        "2019-04-26",
    ),
    (10010, "Samuel Okoro", "samuel.okoro@example.org", None, None, "2026-02-27"),
    (
        10011,
        "Laura Bennett",
        "laura.bennett@example.com",
        "+1 503-555-0136",
        "1215 SE Belmont St, Portland, OR 97214",
        "2021-07-08",
    ),
    (
        10012,
        "Jin-woo Park",
        "jinwoo.park@example.com",
        "+1 404-555-0171",
        "680 Ponce de Leon Ave NE, Atlanta, GA 30308",
        "2024-10-19",
    ),
    (
        10013,
        "Fatima Al-Sayed",
        "fatima.alsayed@example.net",
        "+1 612-555-0158",
        "2400 Hennepin Ave, Minneapolis, MN 55405",
        "2023-03-05",
    ),
    (10014, "Connor Walsh", "connor.walsh@example.com", None, "19 Elm St, Burlington, VT 05401", "2025-12-24"),
    (
        10015,
        "Isabella Moreno",
        "isabella.moreno@example.com",
        "+1 619-555-0103",
        "3780 Park Blvd, San Diego, CA 92103",
        "2022-02-11",
    ),
    (
        10016,
        "Ben Carter",
        "ben.carter@example.org",
        "+1 919-555-0149",
        "501 Glenwood Ave, Raleigh, NC 27603",
        "2020-10-30",
    ),
]

PRODUCTS = [
    # sku, name, category, price, stock, pack size, weight kg, active
    ("ELE-EARBUD-01", "Wireless Earbuds Pro", "electronics", "79.99", 42, 1, 0.15, True),
    ("ELE-SPKR-02", "Portable Bluetooth Speaker", "electronics", "49.99", 35, 1, 0.6, True),
    ("ELE-CHRG-03", "65W USB-C Charger", "electronics", "34.99", 118, 1, 0.2, True),
    ("ELE-CABL-04", "Braided USB-C Cable, 2 m", "electronics", "12.99", 296, 1, 0.05, True),
    ("ELE-KBD-05", "Mechanical Keyboard, Brown Switches", "electronics", "89.00", 18, 1, 0.95, True),
    ("ELE-MOUSE-06", "Ergonomic Wireless Mouse", "electronics", "39.99", 0, 1, 0.12, True),
    ("ELE-HUB-07", "7-in-1 USB-C Hub", "electronics", "54.99", 25, 1, 0.1, True),
    ("ELE-BATT-08", "Rechargeable AA Batteries", "electronics", "4.50", 200, 4, 0.03, True),
    ("HOM-TOWL-01", "Cotton Bath Towel Set of 4", "home", "39.00", 60, 1, 2.1, True),
    ("HOM-SHEET-02", "Percale Sheet Set, Queen", "home", "89.00", 22, 1, 1.6, True),
    ("HOM-PILLOW-03", "Down-Alternative Pillow", "home", "29.99", 48, 1, 0.9, True),
    ("HOM-THROW-04", "Knit Throw Blanket", "home", "34.00", 31, 1, 1.2, True),
    ("HOM-FRAME-05", "Oak Picture Frame, 8x10 in", "home", "19.50", 75, 1, 0.7, True),
    ("HOM-DIFF-06", "Ceramic Aroma Diffuser", "home", "27.99", 0, 1, 0.5, False),
    ("HOM-LAMP-07", "LED Desk Lamp with Dimmer", "home", "44.50", 14, 1, 1.3, True),
    ("KIT-KNIFE-01", "8-inch Chef's Knife", "kitchen", "59.00", 27, 1, 0.25, True),
    ("KIT-PAN-02", "Cast Iron Skillet, 12-inch", "kitchen", "44.99", 19, 1, 3.6, True),
    ("KIT-KETL-03", "Electric Gooseneck Kettle", "kitchen", "69.00", 12, 1, 1.1, True),
    ("KIT-BOARD-04", "End-Grain Cutting Board", "kitchen", "64.00", 9, 1, 2.4, True),
    ("KIT-CONT-05", "Glass Meal-Prep Container", "kitchen", "6.00", 150, 3, 0.45, True),
    ("KIT-PRESS-06", "French Press, 1 Liter", "kitchen", "32.00", 40, 1, 0.8, True),
    ("KIT-SCALE-07", "Digital Kitchen Scale", "kitchen", "24.99", 55, 1, 0.4, True),
    ("OUT-TENT-01", "2-Person Backpacking Tent", "outdoor", "189.00", 11, 1, 1.9, True),
    ("OUT-BAG-02", "Down Sleeping Bag, 20F", "outdoor", "229.00", 7, 1, 1.1, True),
    ("OUT-BOTL-03", "Insulated Water Bottle, 32 oz", "outdoor", "29.95", 88, 1, 0.5, True),
    ("OUT-LAMP-04", "Rechargeable Headlamp", "outdoor", "34.00", 46, 1, 0.1, True),
    ("OUT-CHAIR-05", "Folding Camp Chair", "outdoor", "49.00", 20, 1, 2.8, True),
    ("APP-SOCK-01", "Merino Hiking Socks", "apparel", "18.00", 140, 1, 0.08, True),
    ("APP-JACK-02", "Packable Rain Jacket", "apparel", "99.00", 23, 1, 0.35, True),
    ("APP-BEAN-03", "Wool Beanie", "apparel", "24.00", 64, 1, 0.1, True),
    ("APP-GLOV-04", "Touchscreen Gloves", "apparel", "22.00", 0, 1, 0.09, True),
    ("TOY-PUZZ-01", "1000-Piece Jigsaw Puzzle", "toys", "21.99", 38, 1, 0.7, True),
    ("TOY-BLOC-02", "Wooden Building Blocks, 100 pieces", "toys", "39.99", 16, 1, 2.2, True),
    ("TOY-KITE-03", "Stunt Kite", "toys", "27.50", 13, 1, 0.4, True),
]

PROMOS = [
    # code, percent off, minimum subtotal, expires, active
    ("WELCOME10", 10, "0.00", "2026-12-31", True),
    ("SPRING20", 20, "100.00", "2026-04-30", True),
    ("OUTDOOR15", 15, "75.00", "2026-03-31", True),
    ("WINTER25", 25, "50.00", "2026-02-28", True),
    ("VIP30", 30, "200.00", "2026-06-30", False),
]

# customer, status, created, placed at, promo, lines [(sku, qty[, unit price])],
# delivered on, tracking number, cancel reason
ORDERS = [
    (
        10001,
        "delivered",
        "2026-01-05T19:12:00",
        "2026-01-05T19:20:00",
        None,
        [("KIT-KNIFE-01", 1), ("KIT-BOARD-04", 1)],
        "2026-01-09",
        "1ZNW4X810312458801",
        None,
    ),
    (
        10002,
        "delivered",
        "2026-01-18T08:45:00",
        "2026-01-18T08:51:00",
        "WINTER25",
        [("OUT-TENT-01", 1), ("OUT-LAMP-04", 2)],
        "2026-01-23",
        "1ZNW4X810312461129",
        None,
    ),
    (
        10003,
        "delivered",
        "2026-01-27T21:03:00",
        "2026-01-27T21:10:00",
        None,
        [("HOM-DIFF-06", 2, "31.99"), ("HOM-TOWL-01", 1)],
        "2026-01-31",
        "1ZNW4X810312467342",
        None,
    ),
    (
        10005,
        "delivered",
        "2026-02-08T12:30:00",
        "2026-02-08T12:41:00",
        "SPRING20",
        [("OUT-BAG-02", 1), ("APP-SOCK-01", 3)],
        "2026-02-13",
        "1ZNW4X810312470055",
        None,
    ),
    (
        10007,
        "delivered",
        "2026-02-14T10:02:00",
        "2026-02-14T10:15:00",
        None,
        [("ELE-EARBUD-01", 1), ("ELE-CABL-04", 2)],
        "2026-02-18",
        "1ZNW4X810312472918",
        None,
    ),
    (
        10009,
        "delivered",
        "2026-02-16T17:25:00",
        "2026-02-16T17:33:00",
        "WELCOME10",
        [("HOM-SHEET-02", 1), ("HOM-PILLOW-03", 2)],
        "2026-02-20",
        "1ZNW4X810312474406",
        None,
    ),
    (
        10011,
        "delivered",
        "2026-02-20T09:40:00",
        "2026-02-20T09:44:00",
        None,
        [("KIT-KETL-03", 1), ("KIT-PRESS-06", 1), ("KIT-SCALE-07", 1)],
        "2026-02-24",
        "1ZNW4X810312476873",
        None,
    ),
    (
        10004,
        "delivered",
        "2026-02-22T14:11:00",
        "2026-02-22T14:18:00",
        None,
        [("TOY-KITE-03", 1)],
        "2026-02-26",
        "1ZNW4X810312478120",
        None,
    ),
    (
        10012,
        "delivered",
        "2026-02-25T20:55:00",
        "2026-02-25T21:02:00",
        None,
        [("ELE-KBD-05", 1), ("ELE-HUB-07", 1)],
        "2026-03-02",
        "1ZNW4X810312480664",
        None,
    ),
    (
        10016,
        "delivered",
        "2026-02-28T11:05:00",
        "2026-02-28T11:09:00",
        "OUTDOOR15",
        [("OUT-CHAIR-05", 2), ("OUT-BOTL-03", 2)],
        "2026-03-05",
        "1ZNW4X810312483007",
        None,
    ),
    (
        10013,
        "delivered",
        "2026-03-02T16:48:00",
        "2026-03-02T16:55:00",
        None,
        [("APP-JACK-02", 1), ("APP-BEAN-03", 1), ("APP-GLOV-04", 1)],
        "2026-03-06",
        "1ZNW4X810312485541",
        None,
    ),
    (
        10015,
        "delivered",
        "2026-03-03T07:30:00",
        "2026-03-03T07:36:00",
        None,
        [("KIT-CONT-05", 6), ("KIT-PAN-02", 1)],
        "2026-03-07",
        "1ZNW4X810312487219",
        None,
    ),
    (
        10001,
        "shipped",
        "2026-03-08T13:14:00",
        "2026-03-08T13:20:00",
        None,
        [("ELE-SPKR-02", 1), ("ELE-BATT-08", 8)],
        None,
        "1ZNW4X810312490036",
        None,
    ),
    (
        10006,
        "shipped",
        "2026-03-09T18:22:00",
        "2026-03-09T18:30:00",
        "WELCOME10",
        [("HOM-THROW-04", 1), ("HOM-FRAME-05", 3)],
        None,
        "1ZNW4X810312491892",
        None,
    ),
    (
        10008,
        "shipped",
        "2026-03-10T06:58:00",
        "2026-03-10T07:04:00",
        None,
        [("TOY-PUZZ-01", 2)],
        None,
        "1ZNW4X810312493370",
        None,
    ),
    (
        10002,
        "processing",
        "2026-03-11T19:40:00",
        "2026-03-11T19:46:00",
        None,
        [("KIT-KNIFE-01", 1), ("KIT-SCALE-07", 1), ("KIT-CONT-05", 3)],
        None,
        None,
        None,
    ),
    (
        10009,
        "processing",
        "2026-03-12T08:03:00",
        "2026-03-12T08:10:00",
        "SPRING20",
        [("ELE-EARBUD-01", 1), ("ELE-CHRG-03", 1), ("ELE-HUB-07", 1)],
        None,
        None,
        None,
    ),
    (10014, "processing", "2026-03-12T11:26:00", "2026-03-12T11:31:00", None, [("APP-BEAN-03", 1)], None, None, None),
    (
        10005,
        "processing",
        "2026-03-12T13:50:00",
        "2026-03-12T13:58:00",
        None,
        [("TOY-BLOC-02", 1), ("TOY-PUZZ-01", 1)],
        None,
        None,
        None,
    ),
    (
        10003,
        "cancelled",
        "2026-02-10T09:15:00",
        "2026-02-10T09:21:00",
        None,
        [("OUT-TENT-01", 1)],
        None,
        None,
        "Found a lighter tent elsewhere",
    ),
    (10012, "cancelled", "2026-03-04T22:10:00", None, None, [("ELE-MOUSE-06", 1)], None, None, "No longer needed"),
    (10007, "pending", "2026-03-11T21:33:00", None, None, [("KIT-BOARD-04", 1), ("KIT-KNIFE-01", 1)], None, None, None),
    (
        10010,
        "pending",
        "2026-03-12T09:12:00",
        None,
        None,
        [("HOM-TOWL-01", 1), ("HOM-PILLOW-03", 2), ("HOM-LAMP-07", 1)],
        None,
        None,
        None,
    ),
    (10004, "pending", "2026-03-12T12:45:00", None, None, [("ELE-MOUSE-06", 1), ("ELE-CABL-04", 1)], None, None, None),
    (
        10011,
        "pending",
        "2026-03-12T14:02:00",
        None,
        None,
        [("OUT-BAG-02", 1), ("OUT-TENT-01", 1), ("APP-SOCK-01", 2)],
        None,
        None,
        None,
    ),
    (10016, "pending", "2026-03-12T15:05:00", None, None, [("ELE-BATT-08", 4)], None, None, None),
]

# (order index, line index within the order), quantity, reason, status, requested on
RETURNS = [
    ((0, 1), 1, "damaged", "refunded", "2026-01-12"),
    ((2, 0), 1, "not_as_described", "rejected", "2026-02-03"),
    ((4, 0), 1, "no_longer_needed", "approved", "2026-02-27"),
    ((6, 0), 1, "damaged", "requested", "2026-03-10"),
    ((9, 0), 1, "wrong_item", "approved", "2026-03-07"),
    ((11, 0), 3, "no_longer_needed", "requested", "2026-03-11"),
    ((5, 1), 1, "not_as_described", "refunded", "2026-02-26"),
]


def build() -> dict[str, list[dict]]:
    products = {
        sku: (name, cat, Money.of(price), stock, pack, kg, active)
        for sku, name, cat, price, stock, pack, kg, active in PRODUCTS
    }
    promos = {code: (pct, Money.of(minimum), expires, active) for code, pct, minimum, expires, active in PROMOS}
    addresses = {cid: addr for cid, _, _, _, addr, _ in CUSTOMERS}
    points = {cid: 0 for cid, *_ in CUSTOMERS}

    orders: list[dict] = []
    lines: list[dict] = []
    line_ids: dict[tuple[int, int], dict] = {}
    open_carts: set[int] = set()
    for i, (cid, status, created, placed, promo, items, delivered, tracking, reason) in enumerate(ORDERS):
        oid = f"W{1001 + i}"
        order_lines = []
        for j, item in enumerate(items):
            sku, qty = item[0], item[1]
            unit = Money.of(item[2]) if len(item) > 2 else products[sku][2]
            assert qty % products[sku][4] == 0, (oid, sku)
            line = {
                "id": f"L{1001 + len(lines)}",
                "order": oid,
                "product": sku,
                "quantity": qty,
                "unit_price": unit,
                "returned_qty": 0,
            }
            lines.append(line)
            order_lines.append(line)
            line_ids[(i, j)] = line
        order = {"id": oid, "customer": cid, "status": status, "created": created}
        if status == "pending":
            assert cid not in open_carts
            open_carts.add(cid)
            order["shipping_address"] = addresses[cid]
        else:
            subtotal = sum((ln["unit_price"] * ln["quantity"] for ln in order_lines), Money.of(0))
            if placed is not None:
                discount = Money.of(0)
                if promo is not None:
                    pct, minimum, expires, active = promos[promo]
                    assert active and subtotal.value >= minimum.value and placed[:10] <= expires, (oid, promo)
                    discount = Money.of(subtotal.value * pct / 100)
                order.update(
                    placed_at=placed,
                    shipping_address=addresses[cid],
                    promo=promo,
                    subtotal=subtotal,
                    discount=discount,
                    shipping_fee=Money.of(0) if subtotal.value >= 50 else Money.of("6.99"),
                )
                if status != "cancelled":
                    points[cid] += 10 * sum(ln["quantity"] for ln in order_lines)
            order.update(tracking_number=tracking, delivered_on=delivered, cancel_reason=reason)
        orders.append(order)

    returns = []
    for i, ((oi, li), qty, why, status, requested) in enumerate(RETURNS):
        line = line_ids[(oi, li)]
        order = orders[oi]
        assert order["status"] == "delivered" and order["delivered_on"] <= requested
        refund = line["unit_price"] * qty
        if why == "no_longer_needed":
            refund = Money.of(refund.value * 9 / 10)
        if status != "rejected":
            line["returned_qty"] += qty
        assert line["returned_qty"] <= line["quantity"]
        returns.append(
            {
                "id": f"RT{1001 + i}",
                "line": line["id"],
                "quantity": qty,
                "reason": why,
                "status": status,
                "requested_on": requested,
                "refund_amount": refund,
            }
        )

    customers = [
        {
            "id": cid,
            "name": name,
            "email": email,
            "phone": phone,
            "default_address": addr,
            "loyalty_points": points[cid],
            "member_since": since,
        }
        for cid, name, email, phone, addr, since in CUSTOMERS
    ]
    product_rows = [
        {
            "sku": sku,
            "name": name,
            "category": cat,
            "price": price,
            "stock": stock,
            "pack_size": pack if pack != 1 else None,
            "weight_kg": kg,
            "active": None if active else False,
        }
        for sku, (name, cat, price, stock, pack, kg, active) in products.items()
    ]
    promo_rows = [
        {
            "code": code,
            "percent_off": pct,
            "min_subtotal": minimum,
            "expires": expires,
            "active": None if active else False,
        }
        for code, (pct, minimum, expires, active) in promos.items()
    ]
    return {
        "Customer": customers,
        "Product": product_rows,
        "Promo": promo_rows,
        "Order": orders,
        "OrderLine": lines,
        "ReturnRequest": returns,
    }


def main() -> None:
    tables = build()
    write_yaml(
        SPECS / "commerce" / "retail.seed.yaml",
        "retail_seed.py",
        {
            "source": "hand-written synthetic data",
            "note": "Northwind Goods, its customers, catalogue, prices, promo codes, orders and returns are invented. "
            "Addresses are plausible but not real people's; phones use the fictional 555-01xx range and emails "
            "example domains. Amounts follow the spec's checkout and return rules.",
            "generator": "specs/_sources/retail_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
