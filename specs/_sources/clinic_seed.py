"""Writes specs/health/clinic.seed.yaml: Cedar Health, a fictional clinic group.

Real: the states, their capitals (the clinics' cities) and IANA time zones
(the `us` package), and the US federal holidays (the `holidays` package);
clinics hold no slots on weekends or federal holidays. Invented: the clinic
group, addresses (555 phone numbers), providers, insurance plans, patients
(emails at example.com), referrals, slots and appointments. Copays follow
the spec's booking rule, booked slots hold exactly one booked appointment,
and specialist visits use a referral, so the seed satisfies the spec's
invariants by construction.

Run: python specs/_sources/clinic_seed.py
"""

from __future__ import annotations

import datetime as dt
from importlib.metadata import version

import holidays
import us
from seedlib import SPECS, Money, counts, write_yaml

CLOCK = dt.datetime(2026, 5, 20, 8, 0, 0)
WINDOW = (dt.date(2026, 5, 11), dt.date(2026, 6, 12))

# clinic id, state, neighbourhood, street address, phone
CLINICS = [
    ("SLM-CAP", "OR", "Capitol", "845 Court St NE", "(503) 555-0118"),
    ("DEN-HIGH", "CO", "Highland", "3321 Tejon St", "(303) 555-0142"),
    ("AUS-MUEL", "TX", "Mueller", "1900 Aldrich St", "(512) 555-0176"),
    ("CMH-SHRT", "OH", "Short North", "880 N High St", "(614) 555-0193"),
]

# provider id, name, specialty, clinic, accepts new, video, weekdays worked (0 = Monday)
PROVIDERS = [
    ("DR-OKAFOR", "Dr. Chidi Okafor", "primary_care", "SLM-CAP", True, True, (0, 2)),
    ("DR-LINDQVIST", "Dr. Maja Lindqvist", "pediatrics", "SLM-CAP", True, False, (1, 3)),
    ("DR-NAKAMURA", "Dr. Ken Nakamura", "dermatology", "SLM-CAP", False, True, (4,)),
    ("DR-REYES", "Dr. Isabel Reyes", "primary_care", "DEN-HIGH", False, True, (0, 3)),
    ("DR-BRENNAN", "Dr. Siobhan Brennan", "cardiology", "DEN-HIGH", True, False, (1,)),
    ("DR-PATEL", "Dr. Arjun Patel", "orthopedics", "DEN-HIGH", True, False, (2, 4)),
    ("DR-WASHINGTON", "Dr. Tanya Washington", "primary_care", "AUS-MUEL", True, True, (1, 4)),
    ("DR-GARZA", "Dr. Luis Garza", "pediatrics", "AUS-MUEL", True, True, (0, 2)),
    ("DR-ABERNATHY", "Dr. Claire Abernathy", "dermatology", "AUS-MUEL", True, True, (3,)),
    ("DR-KOWALSKI", "Dr. Piotr Kowalski", "primary_care", "CMH-SHRT", True, False, (0, 2, 4)),
    ("DR-HASSAN", "Dr. Leila Hassan", "cardiology", "CMH-SHRT", False, True, (3,)),
    ("DR-OBRIEN", "Dr. Sean O'Brien", "orthopedics", "CMH-SHRT", True, False, (1,)),
]
TIMES = ["09:00", "10:30", "14:00"]

PLANS = [
    ("EVG-PPO", "Evergreen PPO Gold", "20.00", "45.00", "10.00", True),
    ("EVG-HMO", "Evergreen HMO Silver", "30.00", "60.00", "15.00", True),
    ("CRS-EPO", "Crestline EPO", "25.00", "50.00", "0.00", True),
    ("MSA-HDHP", "Mesa High-Deductible Health Plan", "75.00", "120.00", "40.00", True),
    ("OLD-BASIC", "Prairie Basic (discontinued)", "40.00", "80.00", "25.00", False),
]

# name, date of birth, plan (None: self-pay), primary provider, phone area code
PATIENTS = [
    ("Rosa Delgado", "1984-03-14", "EVG-PPO", "DR-OKAFOR", "503"),
    ("Tyler Brooks", "1992-11-02", "EVG-HMO", "DR-OKAFOR", "503"),
    ("Nora Whitfield", "2017-06-21", "EVG-PPO", "DR-LINDQVIST", "503"),
    ("Hiroshi Tanaka", "1958-01-30", "CRS-EPO", "DR-OKAFOR", "971"),
    ("Megan Foster", "1979-08-09", "MSA-HDHP", "DR-REYES", "303"),
    ("Darnell Jackson", "1966-04-17", "EVG-PPO", "DR-REYES", "720"),
    ("Sofia Marquez", "2001-12-05", None, "DR-REYES", "303"),
    ("Ethan Cole", "1988-02-26", "CRS-EPO", "DR-REYES", "720"),
    ("Aaliyah Turner", "1995-07-13", "EVG-HMO", "DR-WASHINGTON", "512"),
    ("Mateo Hernández", "2019-10-01", "CRS-EPO", "DR-GARZA", "512"),
    ("Grace Liu", "1973-05-22", "EVG-PPO", "DR-WASHINGTON", "737"),
    ("Walter Simmons", "1949-09-11", "OLD-BASIC", "DR-WASHINGTON", "512"),
    ("Priya Natarajan", "1986-12-19", "MSA-HDHP", "DR-KOWALSKI", "614"),
    ("Caleb Wright", "1990-03-03", "EVG-HMO", "DR-KOWALSKI", "614"),
    ("Fatima Yusuf", "1977-06-28", "CRS-EPO", "DR-KOWALSKI", "380"),
    ("Jonah Price", "2015-04-08", "EVG-PPO", "DR-GARZA", "512"),
    ("Helen Park", "1962-10-24", "EVG-PPO", "DR-KOWALSKI", "614"),
    ("Marcus Bell", "1983-01-15", None, "DR-WASHINGTON", "737"),
    ("Olivia Grant", "1998-09-30", "CRS-EPO", "DR-OKAFOR", "503"),
    ("Samuel Adeyemi", "1970-11-12", "EVG-HMO", "DR-REYES", "303"),
]

# patient number, specialty, referred by, issued, expires, visits (left before the seeded appointments)
REFERRALS = [
    (1, "dermatology", "DR-OKAFOR", "2026-04-02", "2026-10-02", 2),
    (4, "dermatology", "DR-OKAFOR", "2026-03-11", "2026-09-11", 1),
    (5, "orthopedics", "DR-REYES", "2026-05-04", "2026-11-04", 3),
    (6, "cardiology", "DR-REYES", "2026-01-20", "2026-07-20", 2),
    (8, "cardiology", "DR-REYES", "2025-10-01", "2026-04-01", 1),
    (11, "dermatology", "DR-WASHINGTON", "2026-05-12", "2026-11-12", 1),
    (13, "cardiology", "DR-KOWALSKI", "2026-04-27", "2026-10-27", 2),
    (15, "orthopedics", "DR-KOWALSKI", "2026-05-06", "2026-08-06", 2),
    (17, "cardiology", "DR-KOWALSKI", "2026-02-16", "2026-08-16", 1),
]

# patient, provider, day, time, visit type, reason, status
APPOINTMENTS = [
    (1, "DR-OKAFOR", "2026-05-11", "09:00", "in_person", "annual physical", "completed"),
    (2, "DR-OKAFOR", "2026-05-13", "10:30", "video", "sinus congestion", "completed"),
    (3, "DR-LINDQVIST", "2026-05-12", "09:00", "in_person", "well-child visit", "completed"),
    (5, "DR-REYES", "2026-05-11", "14:00", "in_person", "knee pain after running", "completed"),
    (6, "DR-BRENNAN", "2026-05-12", "10:30", "in_person", "follow-up on blood pressure", "completed"),
    (9, "DR-WASHINGTON", "2026-05-15", "09:00", "in_person", "prescription review", "no_show"),
    (12, "DR-WASHINGTON", "2026-05-19", "14:00", "in_person", "diabetes check", "completed"),
    (13, "DR-KOWALSKI", "2026-05-18", "10:30", "in_person", "palpitations", "completed"),
    (17, "DR-HASSAN", "2026-05-14", "09:00", "in_person", "echocardiogram results", "completed"),
    (1, "DR-NAKAMURA", "2026-05-22", "09:00", "in_person", "mole check", "booked"),
    (4, "DR-NAKAMURA", "2026-05-29", "10:30", "video", "rash on forearm", "booked"),
    (5, "DR-PATEL", "2026-05-20", "14:00", "in_person", "knee pain after running", "booked"),
    (6, "DR-BRENNAN", "2026-06-02", "09:00", "in_person", "blood pressure follow-up", "booked"),
    (7, "DR-REYES", "2026-05-21", "09:00", "in_person", "sore throat", "booked"),
    (10, "DR-GARZA", "2026-05-20", "10:30", "video", "ear infection follow-up", "booked"),
    (11, "DR-ABERNATHY", "2026-05-21", "14:00", "in_person", "acne treatment", "booked"),
    (13, "DR-HASSAN", "2026-05-28", "10:30", "video", "palpitations", "booked"),
    (14, "DR-KOWALSKI", "2026-05-22", "09:00", "in_person", "annual physical", "booked"),
    (15, "DR-OBRIEN", "2026-05-26", "09:00", "in_person", "shoulder pain", "booked"),
    (16, "DR-GARZA", "2026-06-03", "09:00", "in_person", "sports physical", "booked"),
    (18, "DR-WASHINGTON", "2026-05-22", "10:30", "video", "migraine", "booked"),
    (19, "DR-OKAFOR", "2026-05-27", "14:00", "in_person", "new patient visit", "booked"),
    (20, "DR-REYES", "2026-06-01", "10:30", "video", "cholesterol results", "booked"),
    (2, "DR-OKAFOR", "2026-05-20", "09:00", "in_person", "flu symptoms", "booked"),
    (3, "DR-LINDQVIST", "2026-05-26", "10:30", "in_person", "vaccination", "cancelled"),
    (8, "DR-REYES", "2026-05-28", "09:00", "in_person", "back pain", "cancelled"),
    (14, "DR-KOWALSKI", "2026-05-15", "14:00", "in_person", "cough", "completed"),
    (12, "DR-WASHINGTON", "2026-06-05", "09:00", "in_person", "diabetes check", "booked"),
]

BLOCKED = {("DR-KOWALSKI", "2026-05-29", "14:00"), ("DR-PATEL", "2026-05-22", "09:00")}  # staff meetings
SPECIALISTS = {"dermatology", "cardiology", "orthopedics"}


def stamp(day: str, time: str) -> str:
    return f"{day}T{time}:00"


def build() -> dict[str, list[dict]]:
    federal = holidays.country_holidays("US", years=2026, language="en_US")
    holiday_rows = [
        {"id": d.isoformat(), "day": d.isoformat(), "name": n}
        for d, n in sorted(federal.items())
        if dt.date(2026, 1, 1) <= d <= dt.date(2026, 12, 31)
    ]
    clinics = []
    for cid, state_code, area, street, phone in CLINICS:
        state = us.states.lookup(state_code)
        clinics.append(
            {
                "id": cid,
                "name": f"Cedar Health {state.capital} {area}",
                "address": f"{street}, {state.capital}, {state_code}",
                "city": state.capital,
                "state": state_code,
                "timezone": state.time_zones[0],
                "phone": phone,
            }
        )
    plans = [
        {
            "id": pid,
            "name": name,
            "primary_copay": Money.of(a),
            "specialist_copay": Money.of(b),
            "video_copay": Money.of(c),
            "active": active,
        }
        for pid, name, a, b, c, active in PLANS
    ]
    plan_of = {p["id"]: p for p in plans}
    providers = [
        {
            "id": pid,
            "name": name,
            "specialty": spec,
            "clinic": clinic,
            "accepts_new_patients": new,
            "offers_video": video,
        }
        for pid, name, spec, clinic, new, video, _ in PROVIDERS
    ]
    specialty_of = {p["id"]: p["specialty"] for p in providers}

    slots: dict[str, dict] = {}
    day = WINDOW[0]
    while day <= WINDOW[1]:
        if day.weekday() < 5 and day not in federal:
            for pid, *_rest, workdays in PROVIDERS:
                if day.weekday() in workdays:
                    for time in TIMES:
                        sid = f"{pid}-{day.strftime('%Y%m%d')}{time.replace(':', '')}"
                        status = "blocked" if (pid, day.isoformat(), time) in BLOCKED else "open"
                        slots[sid] = {
                            "id": sid,
                            "provider": pid,
                            "starts": stamp(day.isoformat(), time),
                            "minutes": 30 if specialty_of[pid] != "orthopedics" else 45,
                            "status": status,
                        }
        day += dt.timedelta(days=1)

    patients = []
    for i, (name, dob, plan, primary, area) in enumerate(PATIENTS):
        first, last = name.lower().replace("á", "a").replace("é", "e").split()
        patients.append(
            {
                "id": f"P{1001 + i}",
                "name": name,
                "email": f"{first}.{last}@example.com",
                "phone": f"({area}) 555-{150 + i:04d}",
                "date_of_birth": dob,
                "plan": plan,
                "primary_provider": primary,
            }
        )

    referrals = []
    for i, (p, spec, by, issued, expires, visits) in enumerate(REFERRALS):
        referrals.append(
            {
                "id": f"REF{1001 + i}",
                "patient": f"P{1000 + p}",
                "specialty": spec,
                "referred_by": by,
                "issued": issued,
                "expires": expires,
                "visits_left": visits,
            }
        )

    appointments = []
    for i, (p, pid, day_s, time, vtype, reason, status) in enumerate(APPOINTMENTS):
        sid = f"{pid}-{day_s.replace('-', '')}{time.replace(':', '')}"
        slot = slots[sid]
        assert slot["status"] == "open", sid
        starts = dt.datetime.fromisoformat(slot["starts"])
        assert (starts < CLOCK) == (status in ("completed", "no_show")), sid
        patient = patients[p - 1]
        spec = specialty_of[pid]
        referral = None
        if spec in SPECIALISTS:
            ref = next(r for r in referrals if r["patient"] == patient["id"] and r["specialty"] == spec)
            referral = ref["id"]
            if status != "cancelled":
                assert ref["visits_left"] > 0, sid
                ref["visits_left"] -= 1
        plan = plan_of.get(patient["plan"])
        if plan is None:
            copay = Money.of(250 if spec in SPECIALISTS else 150)
        elif vtype == "video":
            copay = plan["video_copay"]
        else:
            copay = plan["specialist_copay"] if spec in SPECIALISTS else plan["primary_copay"]
        if status == "booked":
            slot["status"] = "booked"
        booked_at = (starts - dt.timedelta(days=9 + i % 5, hours=i % 7)).isoformat()
        appointments.append(
            {
                "id": f"APT{1001 + i}",
                "patient": patient["id"],
                "slot": sid,
                "visit_type": vtype,
                "reason": reason,
                "status": status,
                "referral": referral,
                "copay": copay,
                "late_fee": Money.of(0),
                "booked_at": booked_at,
            }
        )
    return {
        "Clinic": clinics,
        "Holiday": holiday_rows,
        "Plan": plans,
        "Provider": providers,
        "Slot": list(slots.values()),
        "Patient": patients,
        "Referral": referrals,
        "Appointment": appointments,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{name} {version(name)} ({licence})" for name, licence in [("us", "BSD-3-Clause"), ("holidays", "MIT")]
    )
    write_yaml(
        SPECS / "health" / "clinic.seed.yaml",
        "clinic_seed.py",
        {
            "source": "derived from registry packages, plus invented clinics and patients",
            "packages": packages,
            "real": "US states, their capitals (the clinics' cities) and IANA time zones; US federal holidays 2026 "
            "(no slots on them or on weekends)",
            "invented": "Cedar Health, its addresses and 555 phone numbers, providers, insurance plans and copays, "
            "patients (emails at example.com), referrals, slots and appointments",
            "generator": "specs/_sources/clinic_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
