"""Writes specs/finance/card_disputes.seed.yaml: Harborline Bank (fictional) card disputes.

Real: merchant category codes and their descriptions (ISO 18245, from the
iso18245 package), the currencies of foreign charges (ISO 4217, checked with
the iso4217 package, with their minor units: whole yen), merchant countries
(ISO 3166 names from pycountry), US state codes (the `us` package), and the
dispute rules modelled on the US Fair Credit Billing Act (60 days from the
statement) and the card networks' dispute categories. Invented: the bank,
cardholders (emails at example.com), cards, merchants, exchange rates
(plausible for early 2026), statements, charges and disputes. Balances are
posted debits less posted credits, every dispute has its provisional credit
(reversed when withdrawn or lost), so the seed satisfies the invariants by
construction.

Run: python specs/_sources/card_disputes_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from importlib.metadata import version

import iso4217
import iso18245
import pycountry
import us
from seedlib import SPECS, Money, counts, write_yaml

TODAY = dt.date(2026, 3, 20)
CLOSINGS = [dt.date(2025, 12, 5), dt.date(2026, 1, 5), dt.date(2026, 2, 5), dt.date(2026, 3, 5)]

# USD per unit of the original currency (plausible, invented)
FX = {
    "EUR": Decimal("1.08"),
    "GBP": Decimal("1.27"),
    "JPY": Decimal("0.0067"),
    "MXN": Decimal("0.058"),
    "CAD": Decimal("0.74"),
}

# name, MCC, city, ISO 3166 alpha-2
MERCHANTS = [
    ("Greenleaf Market", "5411", "Portland", "US"),
    ("Harbor Fresh Grocers", "5411", "Seattle", "US"),
    ("Trattoria Lucia", "5812", "Chicago", "US"),
    ("Blue Bayou Kitchen", "5812", "New Orleans", "US"),
    ("QuickStop Fuel", "5541", "Denver", "US"),
    ("Metro Transit Pass", "4111", "Boston", "US"),
    ("Skyward Airlines", "4511", "Dallas", "US"),
    ("Hotel Alfama Patio", "7011", "Lisbon", "PT"),
    ("The Kensington Rooms", "7011", "London", "GB"),
    ("VoltWorks Electronics", "5732", "San Jose", "US"),
    ("Paper Lantern Books", "5942", "Austin", "US"),
    ("StreamBox Plus", "4899", "Los Angeles", "US"),
    ("Orpheum Cinemas", "7832", "Minneapolis", "US"),
    ("Northline Apparel", "5691", "New York", "US"),
    ("CareWell Pharmacy", "5912", "Phoenix", "US"),
    ("CityRide Cabs", "4121", "Chicago", "US"),
    ("Summit Fitness Club", "7997", "Denver", "US"),
    ("Burger Harbor", "5814", "Miami", "US"),
    ("Gadget Galaxy Online", "5964", "Reno", "US"),
    ("Artisan Goods Co", "5999", "Santa Fe", "US"),
    ("Café de Flore Paris", "5812", "Paris", "FR"),
    ("Kyoto Lantern Ryokan", "7011", "Kyoto", "JP"),
    ("Mercado Roma", "5411", "Mexico City", "MX"),
    ("Maple Leaf Outfitters", "5691", "Toronto", "CA"),
    ("Tokyo Denki Store", "5732", "Tokyo", "JP"),
]
FOREIGN_CURRENCY = {"PT": "EUR", "GB": "GBP", "FR": "EUR", "JP": "JPY", "MX": "MXN", "CA": "CAD"}

# name, state, customer since, cards: (network, product, last four, limit, status, blocked reason)
CARDHOLDERS = [
    ("Laura Bennett", "OR", "2016-04-11", [("visa", "Harborline Cash Rewards", "4821", 8000, "active", None)]),
    ("Marcus Hill", "WA", "2019-08-02", [("mastercard", "Harborline Travel Elite", "5530", 15000, "active", None)]),
    (
        "Priya Kapoor",
        "IL",
        "2021-01-19",
        [
            ("visa", "Harborline Cash Rewards", "4177", 6000, "blocked", "fraud"),
            ("visa", "Harborline Cash Rewards", "4402", 6000, "active", None),
        ],
    ),
    ("Daniel Ortiz", "TX", "2014-10-30", [("mastercard", "Harborline Platinum", "5218", 12000, "active", None)]),
    ("Sophie Laurent", "NY", "2022-06-07", [("visa", "Harborline Travel Elite", "4690", 10000, "active", None)]),
    ("Kevin Wu", "CA", "2018-03-23", [("visa", "Harborline Cash Rewards", "4012", 7500, "active", None)]),
    ("Angela Moore", "GA", "2020-11-15", [("mastercard", "Harborline Secured", "5102", 1000, "active", None)]),
    ("Tomás Herrera", "AZ", "2017-05-05", [("visa", "Harborline Platinum", "4555", 9000, "active", None)]),
    ("Hannah Schmidt", "MN", "2023-02-28", [("mastercard", "Harborline Cash Rewards", "5874", 5000, "active", None)]),
    (
        "Jamal Carter",
        "FL",
        "2015-09-09",
        [
            ("visa", "Harborline Travel Elite", "4333", 20000, "blocked", "lost"),
            ("visa", "Harborline Travel Elite", "4338", 20000, "active", None),
        ],
    ),
    ("Emily Foster", "CO", "2024-01-12", [("mastercard", "Harborline Student", "5011", 1500, "active", None)]),
    ("Robert Nakamura", "MA", "2012-07-21", [("visa", "Harborline Platinum", "4766", 18000, "active", None)]),
]

# card index (0-based over all cards), merchant index, authorized, USD amount or (original amount, currency), pending
PURCHASES = [
    (0, 0, "2025-11-08", "84.12"),
    (0, 2, "2025-11-21", "62.40"),
    (0, 11, "2025-12-01", "17.99"),
    (0, 11, "2026-01-01", "17.99"),
    (0, 11, "2026-02-01", "17.99"),
    (0, 11, "2026-03-01", "17.99"),
    (0, 9, "2026-02-14", "1249.00"),
    (0, 0, "2026-03-16", "96.35", True),
    (1, 6, "2025-12-10", "412.80"),
    (1, 8, "2026-01-12", ("389.00", "GBP")),
    (1, 7, "2026-01-20", ("612.50", "EUR")),
    (1, 20, "2026-01-22", ("48.60", "EUR")),
    (1, 15, "2026-02-03", "38.75"),
    (1, 6, "2026-02-27", "289.40"),
    (1, 1, "2026-03-12", "142.18"),
    (2, 18, "2026-02-19", "899.99"),
    (2, 18, "2026-02-19", "899.99"),
    (2, 4, "2026-01-09", "52.10"),
    (2, 12, "2026-01-24", "31.50"),
    (3, 13, "2026-01-17", "215.00"),
    (3, 19, "2026-02-08", "340.00"),
    (3, 4, "2026-02-20", "61.44"),
    (3, 0, "2026-03-02", "118.90"),
    (4, 21, "2026-02-10", ("96000", "JPY")),
    (4, 24, "2026-02-12", ("54800", "JPY")),
    (4, 3, "2025-12-28", "187.30"),
    (4, 14, "2026-03-10", "24.99"),
    (5, 16, "2025-12-15", "59.00"),
    (5, 16, "2026-01-15", "59.00"),
    (5, 16, "2026-02-15", "59.00"),
    (5, 16, "2026-03-15", "59.00"),
    (5, 10, "2026-02-22", "44.85"),
    (6, 17, "2026-01-28", "12.47"),
    (6, 14, "2026-02-11", "36.20"),
    (6, 5, "2026-03-02", "90.00"),
    (7, 22, "2026-01-05", ("2350.00", "MXN")),
    (7, 2, "2026-02-14", "148.60"),
    (7, 9, "2026-02-26", "329.99"),
    (8, 23, "2026-02-06", ("184.00", "CAD")),
    (8, 10, "2026-02-18", "27.45"),
    (8, 0, "2026-03-07", "73.10"),
    (10, 6, "2026-01-30", "356.20"),
    (10, 3, "2026-02-21", "92.75"),
    (10, 8, "2026-03-03", ("240.00", "GBP")),
    (11, 12, "2026-02-07", "22.00"),
    (11, 17, "2026-02-25", "9.85"),
    (11, 11, "2026-03-01", "17.99"),
    (13, 9, "2026-01-26", "2199.00"),
    (13, 6, "2026-02-09", "524.30"),
    (13, 13, "2026-03-11", "310.00"),
    (13, 2, "2026-03-18", "87.20", True),
    (9, 19, "2026-02-02", "145.00"),
    (9, 1, "2026-02-16", "201.33"),
]

# purchase index, reason, amount (None: whole charge), status, opened, details, evidence [(kind, description)]
DISPUTES = [
    (
        6,
        "not_as_described",
        None,
        "open",
        "2026-03-02",
        "Laptop arrived with a cracked screen; merchant refuses a return.",
        [
            ("correspondence", "Emails with the merchant, 2026-02-20 to 2026-03-01"),
            ("receipt", "Order confirmation #VW-88213"),
        ],
    ),
    (
        15,
        "fraud",
        None,
        "open",
        "2026-02-24",
        "Card number used for an online order I never placed.",
        [("police_report", "Online fraud report filed 2026-02-23")],
    ),
    (16, "fraud", None, "open", "2026-02-24", "Second identical unauthorised order the same day.", []),
    (
        20,
        "not_received",
        None,
        "won",
        "2026-03-06",
        "Custom furniture paid in advance never delivered.",
        [("tracking", "No tracking number was ever provided")],
    ),
    (
        9,
        "incorrect_amount",
        "120.00",
        "lost",
        "2026-01-30",
        "Hotel charged two nights instead of one.",
        [("receipt", "Folio showing one night")],
    ),
    (
        28,
        "cancelled_recurring",
        None,
        "open",
        "2026-03-05",
        "Gym membership cancelled in December but still charged.",
        [("cancellation_confirmation", "Cancellation email from the club, 2025-12-20")],
    ),
    (44, "duplicate", None, "withdrawn", "2026-03-10", "Thought the ticket was charged twice; it was two tickets.", []),
]


def stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def closing_for(day: dt.date) -> dt.date | None:
    return next((c for c in CLOSINGS if c >= day), None)


def build() -> dict[str, list[dict]]:
    mccs = sorted({m[1] for m in MERCHANTS})
    categories = []
    for code in mccs:
        info = iso18245.get_mcc(code)
        categories.append({"mcc": code, "description": info.iso_description, "group": info.range.description})
    merchants = [
        {
            "id": f"M{301 + i}",
            "name": n,
            "category": mcc,
            "city": city,
            "country": pycountry.countries.get(alpha_2=cc).name,
        }
        for i, (n, mcc, city, cc) in enumerate(MERCHANTS)
    ]
    holders, cards = [], []
    for i, (name, state, since, owned) in enumerate(CARDHOLDERS):
        hid = f"CH{1001 + i}"
        assert us.states.lookup(state) is not None
        first, last = name.lower().replace("á", "a").split()
        holders.append(
            {"id": hid, "name": name, "email": f"{first}.{last}@example.com", "state": state, "since": since}
        )
        for network, product, four, limit, status, why in owned:
            cards.append(
                {
                    "id": f"CRD{stable(hid + four) % 900000 + 100000}",
                    "holder": hid,
                    "network": network,
                    "product": product,
                    "last_four": four,
                    "credit_limit": Money.of(limit),
                    "balance": None,
                    "status": status,
                    "blocked_reason": why,
                }
            )

    tx: list[dict] = []
    purchase_rows = []
    for n, item in enumerate(PURCHASES):
        card_no, merchant_no, auth, amount = item[:4]
        pending = len(item) > 4 and item[4]
        card = cards[card_no]
        authorized = dt.date.fromisoformat(auth)
        posted = None if pending else authorized + dt.timedelta(days=1 + n % 2)
        original_amount = original_currency = None
        if isinstance(amount, tuple):
            original, currency = amount
            assert iso4217.Currency[currency.lower()].code == currency
            exponent = iso4217.Currency[currency.lower()].exponent
            assert exponent == 2 or Decimal(original) == Decimal(original).to_integral_value()
            usd = Money.of(Decimal(original) * FX[currency])
            original_amount, original_currency = Money.of(original), currency
        else:
            usd = Money.of(amount)
        row = {
            "card": card["id"],
            "kind": "purchase",
            "merchant": merchants[merchant_no]["id"],
            "amount": usd,
            "original_amount": original_amount,
            "original_currency": original_currency,
            "posted": posted,
            "authorized": authorized,
            "fee_for": None,
            "description": merchants[merchant_no]["name"],
            "_n": n,
        }
        tx.append(row)
        purchase_rows.append(row)
        if original_currency is not None:
            fee = Money.of(usd.value * Decimal("0.03"))
            tx.append(
                {
                    **row,
                    "kind": "fee",
                    "merchant": None,
                    "amount": fee,
                    "original_amount": None,
                    "original_currency": None,
                    "fee_for": row,
                    "description": "foreign transaction fee 3%",
                    "_n": None,
                }
            )

    # Monthly payments: the statement balance paid in full by most, the minimum by a few.
    tx.sort(key=lambda r: (r["authorized"], r["card"], r["kind"]))
    disputes, evidence = [], []
    for k, (pnum, reason, part, status, opened, details, docs) in enumerate(DISPUTES):
        charge = purchase_rows[pnum]
        did = f"DSP{801 + k}"
        amount = Money.of(part) if part else charge["amount"]
        opened_on = dt.date.fromisoformat(opened)
        assert charge["posted"] is not None and charge["posted"] <= opened_on
        closing = closing_for(charge["posted"])
        assert (opened_on - closing).days <= 60, did
        credit = {
            "card": charge["card"],
            "kind": "provisional_credit",
            "merchant": None,
            "amount": amount,
            "original_amount": None,
            "original_currency": None,
            "posted": opened_on,
            "authorized": opened_on,
            "fee_for": None,
            "description": f"provisional credit for a dispute of {did}",
            "_n": None,
        }
        tx.append(credit)
        dispute = {
            "id": did,
            "charge": charge,
            "reason": reason,
            "amount": amount,
            "status": status,
            "opened": opened,
            "details": details,
            "provisional_credit": credit,
            "reversal": None,
        }
        disputes.append(dispute)
        if status in ("withdrawn", "lost"):
            back = opened_on + dt.timedelta(days=12 if status == "lost" else 3)
            assert back <= TODAY
            reversal = {
                "card": charge["card"],
                "kind": "credit_reversal",
                "merchant": None,
                "amount": amount,
                "original_amount": None,
                "original_currency": None,
                "posted": back,
                "authorized": back,
                "fee_for": None,
                "description": f"reversal of provisional credit, dispute {did}",
                "_n": None,
            }
            tx.append(reversal)
            dispute["reversal"] = reversal
        for kind, text in docs:
            evidence.append({"dispute": did, "kind": kind, "description": text, "added": opened})

    statements = []
    for ci, card in enumerate(cards):
        for closing in CLOSINGS:
            mine = [t for t in tx if t["card"] == card["id"] and t["posted"] is not None and t["posted"] <= closing]
            debit = sum(
                (t["amount"].value for t in mine if t["kind"] in ("purchase", "fee", "credit_reversal")), Decimal(0)
            )
            credit = sum(
                (t["amount"].value for t in mine if t["kind"] in ("payment", "refund", "provisional_credit")),
                Decimal(0),
            )
            balance = Money.of(debit - credit)
            minimum = (
                Money.of(max(min(Decimal(25), balance.value), (balance.value * Decimal("0.02")).quantize(Decimal("1"))))
                if balance.value > 0
                else Money.of(0)
            )
            sid = f"{card['id']}-{closing.strftime('%Y%m%d')}"
            statements.append(
                {
                    "id": sid,
                    "card": card["id"],
                    "closing_date": closing.isoformat(),
                    "due_date": (closing + dt.timedelta(days=25)).isoformat(),
                    "new_balance": balance,
                    "minimum_due": minimum,
                }
            )
            due = closing + dt.timedelta(days=22)
            if balance.value > 0 and due <= TODAY:
                pay = balance if ci % 4 else minimum
                tx.append(
                    {
                        "card": card["id"],
                        "kind": "payment",
                        "merchant": None,
                        "amount": pay,
                        "original_amount": None,
                        "original_currency": None,
                        "posted": due,
                        "authorized": due,
                        "fee_for": None,
                        "description": "payment, thank you",
                        "_n": None,
                    }
                )

    tx.sort(
        key=lambda r: (
            r["authorized"],
            r["card"],
            ["purchase", "fee", "payment", "refund", "provisional_credit", "credit_reversal"].index(r["kind"]),
            r["description"],
        )
    )
    for i, t in enumerate(tx):
        t["id"] = f"TX{600001 + i}"
    for t in tx:
        if t["fee_for"] is not None:
            t["fee_for"] = t["fee_for"]["id"]
        t["statement"] = (
            f"{t['card']}-{closing_for(t['posted']).strftime('%Y%m%d')}"
            if t["posted"] is not None and closing_for(t["posted"])
            else None
        )
        for key in ("posted", "authorized"):
            if t[key] is not None:
                t[key] = t[key].isoformat()
    for d in disputes:
        d["charge"] = d["charge"]["id"]
        d["provisional_credit"] = d["provisional_credit"]["id"]
        d["reversal"] = d["reversal"]["id"] if d["reversal"] is not None else None
    for card in cards:
        mine = [t for t in tx if t["card"] == card["id"] and t["posted"] is not None]
        debit = sum(
            (t["amount"].value for t in mine if t["kind"] in ("purchase", "fee", "credit_reversal")), Decimal(0)
        )
        credit = sum(
            (t["amount"].value for t in mine if t["kind"] in ("payment", "refund", "provisional_credit")), Decimal(0)
        )
        card["balance"] = Money.of(debit - credit)
    columns = [
        "id",
        "card",
        "kind",
        "merchant",
        "amount",
        "original_amount",
        "original_currency",
        "posted",
        "authorized",
        "statement",
        "fee_for",
        "description",
    ]
    transactions = [{c: t[c] for c in columns} for t in tx]
    evidence = [{"id": f"EV{901 + i}", **e} for i, e in enumerate(evidence)]
    return {
        "Cardholder": holders,
        "Card": cards,
        "MerchantCategory": categories,
        "Merchant": merchants,
        "Statement": statements,
        "CardTransaction": transactions,
        "Dispute": disputes,
        "Evidence": evidence,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{n} {version(n)} ({lic})"
        for n, lic in [
            ("iso18245", "MIT"),
            ("iso4217", "public domain"),
            ("pycountry", "LGPL-2.1-only"),
            ("us", "BSD-3-Clause"),
        ]
    )
    write_yaml(
        SPECS / "finance" / "card_disputes.seed.yaml",
        "card_disputes_seed.py",
        {
            "source": "derived from registry packages, plus an invented card issuer",
            "packages": packages,
            "real": "ISO 18245 merchant category codes and descriptions, ISO 4217 currencies of foreign charges (whole "
            "yen), ISO 3166 country names, US state codes; dispute rules after the Fair Credit Billing Act",
            "invented": "Harborline Bank, cardholders (emails at example.com), cards, merchants, exchange rates, "
            "statements, charges, payments, disputes and evidence",
            "generator": "specs/_sources/card_disputes_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
