"""Writes specs/finance/banking.seed.yaml: Lindenbank, a fictional German bank.

Real: the TARGET2 settlement calendar (weekends and the ECB's TARGET2
holidays from the `holidays` package's financial calendar "ECB"), the German
IBAN format and check digits (computed by schwifty), and the payees' banks:
their bank codes, names and BICs come from schwifty's bank registry. German
cities are real. Invented: Lindenbank (its bank code 10099999 is assigned to
no bank, so its IBANs are valid but point nowhere), customers, account
numbers, balances, transactions, cards. Salaries arrive on the last business
day of the month, rent on the first; every balance equals the opening
balance plus credits less debits, so the seed satisfies the spec's
invariants by construction.

Run: python specs/_sources/banking_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import holidays
from schwifty import IBAN
from seedlib import SPECS, Money, counts, write_yaml

TODAY = dt.date(2026, 4, 2)
CALENDAR = (dt.date(2026, 3, 1), dt.date(2026, 6, 30))
OWN_BANK_CODE = "10099999"  # unassigned: Lindenbank is fictional

# id, name, city, customer since, salary (net, monthly), employer, rent, landlord bank code
CUSTOMERS = [
    ("C10001", "Anna Schneider", "Berlin", "2014-06-02", "3420.55", "Siemens Energy AG", "1150.00", "10070000"),
    ("C10002", "Jonas Becker", "Hamburg", "2019-01-15", "2890.10", "Otto GmbH & Co KG", "980.00", "20041133"),
    ("C10003", "Lea Hoffmann", "München", "2011-09-30", "4105.80", "BMW AG", "1620.00", "70020270"),
    ("C10004", "Felix Wagner", "Köln", "2021-03-08", "2310.00", "Rewe Group", "760.00", "37040044"),
    (
        "C10005",
        "Marie Schulz",
        "Frankfurt am Main",
        "2017-11-21",
        "3975.25",
        "Deutsche Börse AG",
        "1380.00",
        "50010517",
    ),
    ("C10006", "Lukas Fischer", "Stuttgart", "2016-05-12", "3610.40", "Robert Bosch GmbH", "1090.00", "60050101"),
    ("C10007", "Sophie Weber", "Leipzig", "2022-08-01", "2145.90", "Universität Leipzig", "640.00", "12030000"),
    ("C10008", "Paul Meyer", "Düsseldorf", "2013-02-27", "3250.00", "Henkel AG & Co. KGaA", "1210.00", "10010010"),
    ("C10009", "Emma Richter", "Dresden", "2020-10-19", "2480.35", "Infineon Technologies AG", "720.00", "12030000"),
    ("C10010", "Noah Klein", "Hannover", "2023-04-03", "1980.00", "Continental AG", "690.00", "20041133"),
    ("C10011", "Mia Wolf", "Nürnberg", "2015-07-07", "2760.60", "adidas AG", "850.00", "70020270"),
    ("C10012", "Elias Neumann", "Bremen", "2018-12-10", "3090.15", "Airbus Operations GmbH", "930.00", "10070000"),
]

# the landlords' property managers (invented)
LANDLORDS = [
    "Lindenhof",
    "Elbblick",
    "Isartal",
    "Domblick",
    "Mainufer",
    "Neckarhaus",
    "Auenwald",
    "Rheinpark",
    "Elbflorenz",
    "Leinetal",
    "Pegnitzhof",
    "Weserstrand",
]

# extra payees: customer, name, bank code
EXTRA_PAYEES = [
    ("C10001", "Klaus Schneider", "50010517"),
    ("C10001", "Stadtwerke Berlin", "10010010"),
    ("C10002", "Hamburger Sportverein e.V.", "20041133"),
    ("C10003", "Julia Hoffmann", "70020270"),
    ("C10003", "Isar Kita e.V.", "60050101"),
    ("C10005", "Finanzamt Frankfurt am Main", "50010517"),
    ("C10006", "Tobias Fischer", "37040044"),
    ("C10008", "Rheinbahn AG", "10010010"),
    ("C10009", "Sächsische Zeitung Abo", "12030000"),
    ("C10011", "Lena Wolf", "70020270"),
    ("C10012", "Werder Bremen Fanclub", "20041133"),
]

# card payments: (customer, day of March, merchant, amount)
CARD_PAYMENTS = [
    ("C10001", 3, "REWE Markt Berlin", "64.18"),
    ("C10001", 14, "Deutsche Bahn Fernverkehr", "89.90"),
    ("C10002", 6, "EDEKA Hamburg", "41.27"),
    ("C10002", 21, "Thalia Bücher", "23.99"),
    ("C10003", 2, "dm-drogerie markt", "18.45"),
    ("C10003", 18, "Lidl München", "52.30"),
    ("C10004", 9, "Kaufland Köln", "77.12"),
    ("C10005", 12, "Aral Tankstelle", "71.40"),
    ("C10005", 27, "Galeria Frankfurt", "129.00"),
    ("C10006", 5, "IKEA Stuttgart", "214.85"),
    ("C10007", 15, "Netto Leipzig", "33.61"),
    ("C10008", 20, "MediaMarkt Düsseldorf", "349.00"),
    ("C10009", 11, "Penny Dresden", "27.08"),
    ("C10010", 24, "Rossmann Hannover", "15.70"),
    ("C10011", 7, "Decathlon Nürnberg", "96.50"),
    ("C10012", 28, "Aldi Nord Bremen", "45.93"),
    ("C10004", 31, "Lufthansa", "312.40"),
    ("C10006", 25, "Deutsche Bahn Fernverkehr", "59.90"),
]


def digits(text: str, n: int) -> str:
    return str(int(hashlib.sha256(text.encode()).hexdigest(), 16))[:n]


def iban(bank_code: str, seed: str) -> IBAN:
    return IBAN.generate("DE", bank_code=bank_code, account_code=digits(seed, 10))


def business_days() -> tuple[list[dict], set[dt.date], dict[dt.date, str]]:
    closed = holidays.financial_holidays("ECB", years=2026)
    rows, open_days = [], set()
    day = CALENDAR[0]
    while day <= CALENDAR[1]:
        is_open = day.weekday() < 5 and day not in closed
        if is_open:
            open_days.add(day)
        rows.append(
            {"id": day.isoformat(), "day": day.isoformat(), "business_day": is_open, "holiday": closed.get(day)}
        )
        day += dt.timedelta(days=1)
    return rows, open_days, dict(closed)


def build() -> dict[str, list[dict]]:
    calendar, open_days, _ = business_days()
    march = [dt.date(2026, 3, d) for d in range(1, 32)]
    first_business = min(d for d in march if d in open_days)
    last_business = max(d for d in march if d in open_days)

    customers, accounts, payees, transactions, cards, scheduled = [], [], [], [], [], []
    balances: dict[str, Money] = {}
    tx: list[tuple] = []

    def book(
        account: str, direction: str, amount: Money, who: str, other: str | None, ref: str, on: dt.date, channel: str
    ):
        tx.append((on, account, direction, amount, who, other, ref, channel))
        balances[account] = balances[account] + amount if direction == "credit" else balances[account] - amount

    current_of, payee_ids = {}, {}
    for n, (cid, name, city, since, salary, employer, rent, landlord_bank) in enumerate(CUSTOMERS):
        first, last = name.lower().split()
        customers.append({"id": cid, "name": name, "email": f"{first}.{last}@example.de", "city": city, "since": since})
        giro = str(iban(OWN_BANK_CODE, cid + "giro"))
        opening = Money.of(400 + 137 * n) + Money.of(f"0.{digits(cid, 2)}")
        accounts.append(
            {
                "iban": giro,
                "owner": cid,
                "kind": "current",
                "name": "Girokonto",
                "opening_balance": opening,
                "balance": None,
                "overdraft_limit": Money.of(500 if n % 3 else 1500),
                "daily_transfer_limit": Money.of(2000 if n % 4 else 5000),
                "status": "open",
            }
        )
        balances[giro] = opening
        current_of[cid] = giro
        if n % 2 == 0:
            tagesgeld = str(iban(OWN_BANK_CODE, cid + "save"))
            savings = Money.of(2500 + 1811 * n)
            accounts.append(
                {
                    "iban": tagesgeld,
                    "owner": cid,
                    "kind": "savings",
                    "name": "Tagesgeld",
                    "opening_balance": savings,
                    "balance": None,
                    "overdraft_limit": Money.of(0),
                    "daily_transfer_limit": Money.of(2000),
                    "status": "open",
                }
            )
            balances[tagesgeld] = savings
        landlord = iban(landlord_bank, cid + "landlord")
        own_payees = [(f"Hausverwaltung {LANDLORDS[n]}", landlord)]
        own_payees += [(pname, iban(code, cid + pname)) for c, pname, code in EXTRA_PAYEES if c == cid]
        for pname, pib in own_payees:
            pid = f"PY{1001 + len(payees)}"
            payee_ids[(cid, pname)] = pid
            payees.append(
                {
                    "id": pid,
                    "owner": cid,
                    "name": pname,
                    "iban": str(pib),
                    "bank_name": pib.bank_name,
                    "bic": str(pib.bic),
                }
            )
        book(
            giro,
            "debit",
            Money.of(rent),
            own_payees[0][0],
            str(landlord),
            "Miete März 2026",
            first_business,
            "direct_debit",
        )
        employer_iban = str(iban("10070000", employer))
        book(giro, "credit", Money.of(salary), employer, employer_iban, "Gehalt März 2026", last_business, "salary")
        book(giro, "debit", Money.of("4.90"), "Lindenbank", None, "Kontoführung März 2026", last_business, "fee")

    for cid, day, merchant, amount in CARD_PAYMENTS:
        book(current_of[cid], "debit", Money.of(amount), merchant, None, "Kartenzahlung", dt.date(2026, 3, day), "card")

    iban_of = {(p["owner"], p["name"]): p["iban"] for p in payees}
    # Money moved to savings, and transfers already sent today (towards the daily limit).
    book(
        current_of["C10001"],
        "debit",
        Money.of(500),
        "Anna Schneider",
        accounts[1]["iban"],
        "own transfer",
        dt.date(2026, 3, 16),
        "internal_transfer",
    )
    book(
        accounts[1]["iban"],
        "credit",
        Money.of(500),
        "Anna Schneider",
        current_of["C10001"],
        "own transfer",
        dt.date(2026, 3, 16),
        "internal_transfer",
    )
    book(
        current_of["C10002"],
        "debit",
        Money.of("1850.00"),
        "Hamburger Sportverein e.V.",
        iban_of[("C10002", "Hamburger Sportverein e.V.")],
        "Dauerkarte 2026/27",
        TODAY,
        "sepa_transfer",
    )
    book(
        current_of["C10003"],
        "debit",
        Money.of("250.00"),
        "Julia Hoffmann",
        iban_of[("C10003", "Julia Hoffmann")],
        "Geburtstag",
        TODAY,
        "sepa_transfer",
    )

    # A closed account (moved to another bank), emptied to zero.
    closed = str(iban(OWN_BANK_CODE, "C10010old"))
    accounts.append(
        {
            "iban": closed,
            "owner": "C10010",
            "kind": "current",
            "name": "Girokonto (alt)",
            "opening_balance": Money.of("212.40"),
            "balance": None,
            "overdraft_limit": Money.of(0),
            "daily_transfer_limit": Money.of(2000),
            "status": "closed",
        }
    )
    balances[closed] = Money.of("212.40")
    book(
        closed,
        "debit",
        Money.of("212.40"),
        "Noah Klein",
        current_of["C10010"],
        "Kontoauflösung",
        dt.date(2026, 3, 10),
        "internal_transfer",
    )
    book(
        current_of["C10010"],
        "credit",
        Money.of("212.40"),
        "Noah Klein",
        closed,
        "Kontoauflösung",
        dt.date(2026, 3, 10),
        "internal_transfer",
    )

    tx.sort(key=lambda t: (t[0], t[1], t[2], str(t[3])))
    for i, (on, account, direction, amount, who, other, ref, channel) in enumerate(tx):
        transactions.append(
            {
                "id": f"TX{10001 + i}",
                "account": account,
                "direction": direction,
                "amount": amount,
                "counterparty": who,
                "counterparty_iban": other,
                "reference": ref,
                "booked_on": on.isoformat(),
                "channel": channel,
            }
        )
    for a in accounts:
        a["balance"] = balances[a["iban"]]
        assert a["balance"].value + a["overdraft_limit"].value >= 0, a

    # Scheduled transfers: future business days, one cancelled, one already executed.
    plan = [
        ("C10001", 2, "120.00", "2026-04-07", "Abschlag Strom April", "scheduled"),
        ("C10003", 2, "310.00", "2026-04-15", "Kita-Beitrag April", "scheduled"),
        ("C10005", 0, "1380.00", "2026-05-04", "Miete Mai 2026", "scheduled"),
        ("C10006", 0, "1090.00", "2026-05-04", "Miete Mai 2026", "scheduled"),
        ("C10008", 1, "59.00", "2026-04-10", "Deutschlandticket Mai", "cancelled"),
        ("C10011", 0, "850.00", "2026-04-30", "Miete Mai 2026", "scheduled"),
        ("C10012", 1, "75.00", "2026-04-08", "Mitgliedsbeitrag", "scheduled"),
    ]
    by_owner = {}
    for p in payees:
        by_owner.setdefault(p["owner"], []).append(p["id"])
    for i, (cid, which, amount, on, ref, status) in enumerate(plan):
        day = dt.date.fromisoformat(on)
        assert day in open_days and day > TODAY
        scheduled.append(
            {
                "id": f"ST{1001 + i}",
                "account": current_of[cid],
                "payee": by_owner[cid][which],
                "amount": Money.of(amount),
                "execute_on": on,
                "reference": ref,
                "status": status,
                "created_at": "2026-03-20T18:00:00",
            }
        )

    for n, (cid, *_rest) in enumerate(CUSTOMERS):
        status, expires = "active", f"{2027 + n % 3}-{1 + n % 12:02d}-28"
        if cid == "C10004":
            status = "frozen"
        if cid == "C10009":
            status, expires = "frozen", "2026-03-31"  # frozen and since expired
        cards.append(
            {
                "id": f"CARD{1001 + n}",
                "account": current_of[cid],
                "last_four": digits(cid + "card", 4).rjust(4, "0"),
                "expires": expires,
                "status": status,
                "daily_limit": Money.of(1000 if n % 2 else 1500),
                "replaces": None,
            }
        )
    cards.append(
        {
            "id": "CARD1013",
            "account": closed,
            "last_four": "7351",
            "expires": "2027-09-30",
            "status": "blocked",
            "daily_limit": Money.of(1000),
            "replaces": None,
        }
    )
    cards.append(
        {
            "id": "CARD1014",
            "account": current_of["C10007"],
            "last_four": "0458",
            "expires": "2026-11-30",
            "status": "blocked",
            "daily_limit": Money.of(800),
            "replaces": None,
        }
    )
    cards.append(
        {
            "id": "CARD1015",
            "account": current_of["C10007"],
            "last_four": "9186",
            "expires": "2030-03-31",
            "status": "active",
            "daily_limit": Money.of(800),
            "replaces": "CARD1014",
        }
    )

    return {
        "Customer": customers,
        "Account": accounts,
        "Transaction": transactions,
        "Payee": payees,
        "ScheduledTransfer": scheduled,
        "Card": cards,
        "CalendarDay": calendar,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{name} {version(name)} ({licence})" for name, licence in [("holidays", "MIT"), ("schwifty", "MIT")]
    )
    write_yaml(
        SPECS / "finance" / "banking.seed.yaml",
        "banking_seed.py",
        {
            "source": "derived from registry packages, plus invented customers and balances",
            "packages": packages,
            "real": "TARGET2 settlement calendar March-June 2026 (weekends and the ECB TARGET2 holidays), German IBAN "
            "format and check digits, the payees' banks (bank codes, names, BICs from schwifty's registry), German cities",
            "invented": "Lindenbank (bank code 10099999, assigned to no bank), customers (emails at example.de), account "
            "numbers, balances, transactions, payees' names, scheduled transfers, cards",
            "generator": "specs/_sources/banking_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
