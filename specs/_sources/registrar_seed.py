"""Writes specs/education/registrar.seed.yaml: Lakeshore State University (fictional).

Real: the no-class days are the US federal holidays that fall in each term
(from the `holidays` package; like many US universities, Lakeshore holds
classes on Columbus Day and Veterans Day), plus the Friday after
Thanksgiving as a university break; international students' countries are
ISO 3166 names from pycountry; the F-1 rule (at least 12 credits) is the US
full-course-of-study rule for undergraduates. Invented: the university,
courses, sections, rooms, instructors, students (emails at example.edu),
transcripts, holds and registrations. Registrations are made with the
spec's own rules (prerequisites passed, no time conflicts, capacity and
credit maximum respected), so the seed satisfies the invariants by
construction.

Run: python specs/_sources/registrar_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import holidays
import pycountry
from seedlib import SPECS, counts, write_yaml

SKIPPED_HOLIDAYS = {"Columbus Day", "Veterans Day", "Christmas Day", "New Year's Day"}

TERMS = [
    # id, name, starts, ends, add, drop, withdraw, current
    ("2026FA", "Fall 2026", "2026-08-31", "2026-12-18", "2026-09-08", "2026-09-14", "2026-11-06", True),
    ("2027SP", "Spring 2027", "2027-01-19", "2027-05-14", "2027-01-29", "2027-02-05", "2027-04-02", False),
]

# code, title, credits, level, pass/fail allowed
COURSES = [
    ("CS 101", "Introduction to Programming", 4, "undergraduate", True),
    ("CS 201", "Data Structures", 4, "undergraduate", False),
    ("CS 220", "Computer Organization", 3, "undergraduate", False),
    ("CS 310", "Algorithms", 3, "undergraduate", False),
    ("CS 340", "Databases", 3, "undergraduate", True),
    ("CS 520", "Machine Learning", 3, "graduate", False),
    ("MATH 150", "Calculus I", 4, "undergraduate", False),
    ("MATH 151", "Calculus II", 4, "undergraduate", False),
    ("MATH 220", "Linear Algebra", 3, "undergraduate", True),
    ("MATH 240", "Discrete Mathematics", 3, "undergraduate", True),
    ("STAT 210", "Probability and Statistics", 3, "undergraduate", True),
    ("ENGL 101", "College Writing", 3, "undergraduate", False),
    ("ENGL 230", "American Literature", 3, "undergraduate", True),
    ("HIST 110", "World History since 1500", 3, "undergraduate", True),
    ("HIST 245", "The Great Lakes Region", 3, "undergraduate", True),
    ("ECON 101", "Principles of Microeconomics", 3, "undergraduate", True),
    ("ECON 102", "Principles of Macroeconomics", 3, "undergraduate", True),
    ("ECON 310", "Intermediate Microeconomics", 3, "undergraduate", False),
    ("BIOL 110", "Cell Biology", 4, "undergraduate", False),
    ("BIOL 210", "Genetics", 4, "undergraduate", False),
    ("CHEM 110", "General Chemistry I", 4, "undergraduate", False),
    ("CHEM 111", "General Chemistry II", 4, "undergraduate", False),
    ("PSYC 100", "Introduction to Psychology", 3, "undergraduate", True),
    ("PSYC 250", "Research Methods in Psychology", 3, "undergraduate", False),
    ("PHIL 120", "Ethics", 3, "undergraduate", True),
    ("MUS 105", "Music Appreciation", 2, "undergraduate", True),
    ("PE 110", "Rock Climbing", 1, "undergraduate", True),
    ("DS 510", "Data Science Methods", 3, "graduate", False),
]

PREREQS = [
    ("CS 201", "CS 101"),
    ("CS 220", "CS 101"),
    ("CS 310", "CS 201"),
    ("CS 310", "MATH 240"),
    ("CS 340", "CS 201"),
    ("CS 520", "CS 310"),
    ("CS 520", "STAT 210"),
    ("MATH 151", "MATH 150"),
    ("MATH 220", "MATH 151"),
    ("STAT 210", "MATH 150"),
    ("ECON 310", "ECON 101"),
    ("ECON 310", "MATH 150"),
    ("BIOL 210", "BIOL 110"),
    ("CHEM 111", "CHEM 110"),
    ("PSYC 250", "PSYC 100"),
    ("DS 510", "STAT 210"),
]

# meeting patterns: days, start minute, end minute
SLOTS = {
    "a": ("MWF", 480, 530),
    "b": ("MWF", 540, 590),
    "c": ("MWF", 600, 650),
    "d": ("MWF", 660, 710),
    "e": ("MWF", 780, 830),
    "f": ("TR", 570, 645),
    "g": ("TR", 660, 735),
    "h": ("TR", 840, 915),
    "i": ("MW", 930, 1005),
    "j": ("T", 1080, 1245),
    "k": ("R", 1080, 1245),
    "l": ("F", 840, 990),
}

# course, fall sections [(slot, capacity, instructor, room)], spring sections
SECTIONS = {
    "CS 101": (
        [("a", 60, "Prof. Helen Park", "Sci 120"), ("f", 60, "Dr. Omar Siddiqui", "Sci 120")],
        [("b", 60, "Dr. Omar Siddiqui", "Sci 120")],
    ),
    "CS 201": (
        [("c", 45, "Prof. Daniel Ruiz", "Sci 214"), ("g", 4, "Dr. Mei Lin", "Sci 214")],
        [("c", 45, "Prof. Daniel Ruiz", "Sci 214")],
    ),
    "CS 220": ([("h", 40, "Dr. Mei Lin", "Eng 105")], []),
    "CS 310": ([("f", 35, "Prof. Helen Park", "Sci 230")], [("g", 35, "Prof. Helen Park", "Sci 230")]),
    "CS 340": ([("i", 30, "Dr. Aaron Goldberg", "Sci 230")], [("i", 30, "Dr. Aaron Goldberg", "Sci 230")]),
    "CS 520": ([("j", 25, "Prof. Helen Park", "Sci 301")], []),
    "MATH 150": (
        [("b", 80, "Dr. Grace Adeyemi", "Math 100"), ("d", 80, "Dr. Paul Novak", "Math 100")],
        [("b", 80, "Dr. Paul Novak", "Math 100")],
    ),
    "MATH 151": ([("c", 60, "Dr. Paul Novak", "Math 110")], [("d", 60, "Dr. Grace Adeyemi", "Math 110")]),
    "MATH 220": ([("g", 40, "Prof. Sarah Whitman", "Math 210")], []),
    "MATH 240": ([("e", 40, "Prof. Sarah Whitman", "Math 210")], [("f", 40, "Prof. Sarah Whitman", "Math 210")]),
    "STAT 210": ([("f", 50, "Dr. Luis Ortega", "Math 120")], [("h", 50, "Dr. Luis Ortega", "Math 120")]),
    "ENGL 101": (
        [
            ("a", 25, "Dr. Nora Fitzgerald", "Hum 101"),
            ("d", 25, "Dr. James Holloway", "Hum 103"),
            ("h", 25, "Dr. Nora Fitzgerald", "Hum 101"),
        ],
        [("b", 25, "Dr. James Holloway", "Hum 103")],
    ),
    "ENGL 230": ([("g", 35, "Dr. James Holloway", "Hum 210")], []),
    "HIST 110": ([("e", 90, "Prof. Ruth Bergman", "Hum 050")], [("c", 90, "Prof. Ruth Bergman", "Hum 050")]),
    "HIST 245": ([("i", 30, "Prof. Ruth Bergman", "Hum 212")], []),
    "ECON 101": ([("b", 100, "Dr. Kwame Asante", "Bus 150")], [("e", 100, "Dr. Kwame Asante", "Bus 150")]),
    "ECON 102": ([("h", 80, "Dr. Anna Kowalczyk", "Bus 150")], [("g", 80, "Dr. Anna Kowalczyk", "Bus 150")]),
    "ECON 310": ([("g", 35, "Dr. Kwame Asante", "Bus 220")], []),
    "BIOL 110": ([("c", 72, "Dr. Priya Desai", "Life 100")], [("a", 72, "Dr. Priya Desai", "Life 100")]),
    "BIOL 210": ([("f", 48, "Dr. Thomas Reed", "Life 140")], []),
    "CHEM 110": ([("d", 96, "Dr. Elena Petrova", "Chem 100")], [("d", 96, "Dr. Elena Petrova", "Chem 100")]),
    "CHEM 111": ([], [("c", 96, "Dr. Elena Petrova", "Chem 100")]),
    "PSYC 100": (
        [("e", 120, "Dr. Michael Osei", "Soc 100"), ("g", 120, "Dr. Laura Jensen", "Soc 100")],
        [("f", 120, "Dr. Laura Jensen", "Soc 100")],
    ),
    "PSYC 250": ([("i", 30, "Dr. Laura Jensen", "Soc 204")], []),
    "PHIL 120": ([("h", 45, "Prof. David Kim", "Hum 120")], [("i", 45, "Prof. David Kim", "Hum 120")]),
    "MUS 105": ([("i", 60, "Dr. Clara Moretti", "Arts 110")], []),
    "PE 110": ([("l", 12, "Coach Jenna Swift", "Rec Center")], [("l", 12, "Coach Jenna Swift", "Rec Center")]),
    "DS 510": ([("k", 25, "Dr. Luis Ortega", "Sci 301")], []),
}

# name, level, major, country code, visa, max credits, courses passed, fall wishes (in order)
STUDENTS = [
    (
        "Emma Johnson",
        "undergraduate",
        "Computer Science",
        "US",
        "none_required",
        18,
        ["CS 101", "MATH 150", "ENGL 101"],
        ["CS 201", "MATH 151", "MATH 240", "PSYC 100"],
    ),
    (
        "Arjun Sharma",
        "undergraduate",
        "Computer Science",
        "IN",
        "f1",
        18,
        ["CS 101", "CS 201", "MATH 150", "MATH 151", "MATH 240"],
        ["CS 310", "CS 220", "MATH 220", "ENGL 101"],
    ),
    (
        "Wei Zhang",
        "undergraduate",
        "Economics",
        "CN",
        "f1",
        18,
        ["ECON 101", "MATH 150"],
        ["ECON 310", "ECON 102", "STAT 210", "ENGL 101"],
    ),
    (
        "Chinonso Eze",
        "undergraduate",
        "Biology",
        "NG",
        "f1",
        19,
        ["BIOL 110", "CHEM 110"],
        ["BIOL 210", "MATH 150", "PSYC 100", "ENGL 101"],
    ),
    (
        "Lucas Almeida",
        "undergraduate",
        "Computer Science",
        "BR",
        "f1",
        18,
        ["CS 101"],
        ["CS 201", "MATH 150", "HIST 110", "PHIL 120"],
    ),
    (
        "Ji-woo Park",
        "graduate",
        "Data Science",
        "KR",
        "f1",
        15,
        ["CS 101", "CS 201", "CS 310", "MATH 240", "STAT 210", "MATH 150"],
        ["CS 520", "DS 510", "CS 340", "CS 220"],
    ),
    (
        "Minh Nguyen",
        "undergraduate",
        "Mathematics",
        "VN",
        "f1",
        18,
        ["MATH 150", "MATH 151"],
        ["MATH 220", "MATH 240", "STAT 210", "ENGL 101"],
    ),
    (
        "Anna Müller",
        "graduate",
        "Economics",
        "DE",
        "j1",
        12,
        ["ECON 101", "MATH 150", "STAT 210"],
        ["DS 510", "ECON 310"],
    ),
    (
        "Jacob Williams",
        "undergraduate",
        "History",
        "US",
        "none_required",
        18,
        ["HIST 110", "ENGL 101"],
        ["HIST 245", "ENGL 230", "ECON 101", "PHIL 120", "PE 110"],
    ),
    (
        "Olivia Brown",
        "undergraduate",
        "Psychology",
        "US",
        "none_required",
        18,
        ["PSYC 100", "ENGL 101", "MATH 150"],
        ["PSYC 250", "STAT 210", "BIOL 110", "MUS 105"],
    ),
    (
        "Noah Davis",
        "undergraduate",
        "Undeclared",
        "US",
        "none_required",
        16,
        [],
        ["ENGL 101", "MATH 150", "PSYC 100", "PE 110"],
    ),
    (
        "Ava Martinez",
        "undergraduate",
        "Biology",
        "US",
        "none_required",
        18,
        ["BIOL 110", "CHEM 110", "MATH 150"],
        ["BIOL 210", "STAT 210", "ENGL 230", "PE 110"],
    ),
    (
        "Liam Wilson",
        "undergraduate",
        "Computer Science",
        "US",
        "none_required",
        18,
        ["CS 101", "CS 201", "MATH 150", "MATH 240"],
        ["CS 310", "CS 340", "STAT 210", "PE 110"],
    ),
    (
        "Sophia Anderson",
        "undergraduate",
        "Economics",
        "US",
        "none_required",
        18,
        ["ECON 101", "ECON 102", "MATH 150"],
        ["ECON 310", "STAT 210", "HIST 245", "PE 110"],
    ),
    (
        "Mason Thomas",
        "undergraduate",
        "Mathematics",
        "US",
        "none_required",
        18,
        ["MATH 150"],
        ["MATH 151", "CS 101", "PHIL 120", "PE 110"],
    ),
    (
        "Isabella Taylor",
        "undergraduate",
        "Psychology",
        "US",
        "none_required",
        18,
        ["PSYC 100"],
        ["PSYC 250", "BIOL 110", "ENGL 101", "PE 110"],
    ),
    (
        "Ethan Moore",
        "undergraduate",
        "Computer Science",
        "US",
        "none_required",
        18,
        ["CS 101"],
        ["CS 201", "CS 220", "MATH 150", "PE 110"],
    ),
    (
        "Mia Jackson",
        "undergraduate",
        "History",
        "US",
        "none_required",
        18,
        ["HIST 110"],
        ["HIST 245", "ECON 101", "ENGL 101", "PE 110"],
    ),
    (
        "James White",
        "undergraduate",
        "Undeclared",
        "US",
        "none_required",
        16,
        [],
        ["CS 101", "ECON 101", "ENGL 101", "PE 110"],
    ),
    (
        "Charlotte Harris",
        "undergraduate",
        "Chemistry",
        "US",
        "none_required",
        18,
        ["CHEM 110", "MATH 150"],
        ["MATH 151", "BIOL 110", "PHIL 120", "PE 110"],
    ),
    (
        "Benjamin Clark",
        "undergraduate",
        "Economics",
        "US",
        "none_required",
        18,
        [],
        ["ECON 101", "MATH 150", "HIST 110", "PE 110"],
    ),
    (
        "Amelia Lewis",
        "undergraduate",
        "Computer Science",
        "US",
        "none_required",
        18,
        ["CS 101", "MATH 150"],
        ["CS 201", "MATH 151", "ENGL 230", "PE 110"],
    ),
    (
        "Elijah Robinson",
        "undergraduate",
        "Biology",
        "US",
        "none_required",
        18,
        [],
        ["BIOL 110", "CHEM 110", "ENGL 101", "PE 110"],
    ),
    (
        "Harper Walker",
        "undergraduate",
        "Psychology",
        "US",
        "none_required",
        18,
        [],
        ["PSYC 100", "ENGL 101", "MUS 105", "PE 110"],
    ),
    (
        "Daniel Young",
        "graduate",
        "Computer Science",
        "US",
        "none_required",
        12,
        ["CS 101", "CS 201", "CS 310", "STAT 210", "MATH 240", "MATH 150"],
        ["CS 520", "CS 340"],
    ),
    (
        "Evelyn King",
        "undergraduate",
        "Mathematics",
        "US",
        "none_required",
        18,
        ["MATH 150", "MATH 151", "CS 101"],
        ["MATH 220", "CS 201", "HIST 110", "PE 110"],
    ),
    (
        "Kenji Watanabe",
        "undergraduate",
        "Computer Science",
        "JP",
        "f1",
        18,
        ["CS 101", "MATH 150"],
        ["CS 201", "MATH 151", "ENGL 101", "HIST 110"],
    ),
    (
        "Fatima Al-Sayed",
        "undergraduate",
        "Biology",
        "EG",
        "f1",
        18,
        ["BIOL 110"],
        ["CHEM 110", "MATH 150", "ENGL 101", "PSYC 100"],
    ),
]
HOLDS = [
    (9, "bursar", "Unpaid fall tuition balance", "2026-08-20"),
    (11, "advising", "Meet your advisor to declare a major", "2026-08-25"),
    (19, "health_services", "Missing immunization record", "2026-08-28"),
]
LETTERS = ["A", "A", "B", "B", "B", "C", "A", "B"]


def stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def build() -> dict[str, list[dict]]:
    federal = holidays.country_holidays("US", years=[2026, 2027], language="en_US")
    terms, no_class = [], []
    for tid, name, starts, ends, add, drop, withdraw, current in TERMS:
        terms.append(
            {
                "id": tid,
                "name": name,
                "starts": starts,
                "ends": ends,
                "add_deadline": add,
                "drop_deadline": drop,
                "withdraw_deadline": withdraw,
                "current": current,
            }
        )
        start, end = dt.date.fromisoformat(starts), dt.date.fromisoformat(ends)
        days = {d: n for d, n in federal.items() if start <= d <= end and n not in SKIPPED_HOLIDAYS}
        for d, n in list(days.items()):
            if n == "Thanksgiving Day":
                days[d + dt.timedelta(days=1)] = "Thanksgiving break"
        for d, n in sorted(days.items()):
            no_class.append({"id": f"{tid}-{d.isoformat()}", "term": tid, "day": d.isoformat(), "name": n})

    courses = [
        {"code": c, "title": t, "subject": c.split()[0], "credits": cr, "level": lv, "pass_fail_allowed": pf}
        for c, t, cr, lv, pf in COURSES
    ]
    credits = {c["code"]: c["credits"] for c in courses}
    prereqs = [{"id": f"{c} <- {r}", "course": c, "requires": r} for c, r in PREREQS]

    sections, crn = [], 40001
    by_course: dict[str, list[dict]] = {}
    for code, (fall, spring) in SECTIONS.items():
        for tid, offered in (("2026FA", fall), ("2027SP", spring)):
            for n, (slot, cap, instructor, room) in enumerate(offered, start=1):
                days, start, end = SLOTS[slot]
                row = {
                    "crn": crn,
                    "course": code,
                    "term": tid,
                    "number": f"{n:03d}",
                    "instructor": instructor,
                    "days": days,
                    "start_minute": start,
                    "end_minute": end,
                    "room": room,
                    "capacity": cap,
                    "waitlist_capacity": 10 if cap > 10 else 5,
                }
                sections.append(row)
                by_course.setdefault(f"{tid}/{code}", []).append(row)
                crn += 1

    students, transcripts, enrollments, holds = [], [], [], []
    seats: dict[int, int] = {}
    waitlists: dict[int, int] = {}
    for i, (name, level, major, cc, visa, max_credits, passed, wishes) in enumerate(STUDENTS):
        sid = f"L00{412300 + i * 17}"
        first, last = name.lower().replace("ü", "u").replace("-", "").split()
        students.append(
            {
                "id": sid,
                "name": name,
                "email": f"{first}.{last}@example.edu",
                "level": level,
                "major": major,
                "country": pycountry.countries.get(alpha_2=cc).name,
                "visa": visa,
                "max_credits": max_credits,
            }
        )
        for n, code in enumerate(passed):
            term_name = "Spring 2026" if n >= len(passed) // 2 else "Fall 2025"
            transcripts.append(
                {
                    "student": sid,
                    "course": code,
                    "term_name": term_name,
                    "grade": LETTERS[stable(sid + code) % len(LETTERS)],
                }
            )
        schedule: list[dict] = []
        load = 0
        for code in wishes:
            needs = [r for c, r in PREREQS if c == code]
            assert all(r in passed for r in needs), (name, code)
            for sec in sorted(by_course.get(f"2026FA/{code}", []), key=lambda s: stable(sid + str(s["crn"]))):
                clash = any(
                    s["days"] == sec["days"]
                    and s["start_minute"] < sec["end_minute"]
                    and sec["start_minute"] < s["end_minute"]
                    for s in schedule
                )
                if clash or load + credits[code] > max_credits:
                    continue
                taken = seats.get(sec["crn"], 0)
                at = f"2026-{4 + i % 3:02d}-{10 + i % 17:02d}T{9 + i % 8:02d}:{(i * 7) % 60:02d}:00"
                if taken < sec["capacity"]:
                    seats[sec["crn"]] = taken + 1
                    enrollments.append(
                        {
                            "student": sid,
                            "section": sec["crn"],
                            "status": "enrolled",
                            "grade_mode": "letter",
                            "waitlist_position": None,
                            "registered_at": at,
                        }
                    )
                    schedule.append(sec)
                else:
                    waitlists[sec["crn"]] = waitlists.get(sec["crn"], 0) + 1
                    enrollments.append(
                        {
                            "student": sid,
                            "section": sec["crn"],
                            "status": "waitlisted",
                            "grade_mode": "letter",
                            "waitlist_position": waitlists[sec["crn"]],
                            "registered_at": at,
                        }
                    )
                load += credits[code]
                break
        enrolled_credits = sum(credits[s["course"]] for s in schedule)
        assert visa != "f1" or enrolled_credits >= 12, (name, enrolled_credits)
    # one pass/fail choice and one drop made last spring-planning round
    for e in enrollments:
        if e["student"] == students[9]["id"] and e["section"] == by_course["2026FA/MUS 105"][0]["crn"]:
            e["grade_mode"] = "pass_fail"
    for n, (student_no, office, reason, placed) in enumerate(HOLDS):
        holds.append(
            {
                "id": f"H{101 + n}",
                "student": students[student_no - 1]["id"],
                "office": office,
                "reason": reason,
                "placed_on": placed,
            }
        )
    enrollments.sort(key=lambda e: (e["registered_at"], e["student"], e["section"]))
    enrollments = [{"id": f"E{70001 + n}", **e} for n, e in enumerate(enrollments)]
    transcripts = [{"id": f"T{9001 + n}", **t} for n, t in enumerate(transcripts)]
    return {
        "Term": terms,
        "NoClassDay": no_class,
        "Course": courses,
        "Prerequisite": prereqs,
        "Section": sections,
        "Student": students,
        "Hold": holds,
        "TranscriptEntry": transcripts,
        "Enrollment": enrollments,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{n} {version(n)} ({lic})" for n, lic in [("holidays", "MIT"), ("pycountry", "LGPL-2.1-only")]
    )
    write_yaml(
        SPECS / "education" / "registrar.seed.yaml",
        "registrar_seed.py",
        {
            "source": "derived from registry packages, plus an invented university",
            "packages": packages,
            "real": "US federal holidays in each term (no classes; Columbus and Veterans Day are class days), ISO 3166 "
            "country names of international students, the F-1 rule of 12 credits for undergraduates",
            "invented": "Lakeshore State University, its courses, sections, rooms, instructors, students (emails at "
            "example.edu), transcripts, holds and registrations; the Friday after Thanksgiving as a break",
            "generator": "specs/_sources/registrar_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
