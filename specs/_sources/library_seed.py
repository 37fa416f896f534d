"""Writes specs/education/library.seed.yaml: Riverbend Public Library (fictional), Madison, WI.

Real: the works (public-domain titles with their authors and years of first
publication, hand-written), their edition languages as ISO 639 names
(pycountry), the closing days (US federal holidays from the `holidays`
package), and the barcode convention of US libraries (14 digits, 3 for
items and 2 for patrons, then a 4-digit library code, a serial and a Luhn
check digit computed with python-stdnum). Invented: the library, its
branches and addresses (555 phone numbers), copies, prices, patrons (emails
at example.org), loans, holds and charges. Balances are the sum of the
charges less payments, and due dates fall on open days, so the seed
satisfies the spec's invariants by construction.

Run: python specs/_sources/library_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import holidays
import pycountry
from seedlib import SPECS, Money, counts, write_yaml
from stdnum import luhn

TODAY = dt.date(2026, 5, 18)
CALENDAR = (dt.date(2026, 3, 1), dt.date(2026, 8, 31))
LIBRARY_CODE = "9471"

BRANCHES = [
    ("CENTRAL", "Riverbend Central Library", "201 W Mifflin St, Madison, WI 53703", "(608) 555-0100"),
    ("EASTSIDE", "Eastside Branch", "2405 Atwood Ave, Madison, WI 53704", "(608) 555-0121"),
    ("LAKEVIEW", "Lakeview Branch", "1240 N Sherman Ave, Madison, WI 53704", "(608) 555-0134"),
    ("WESTMORE", "Westmore Branch", "6850 Mineral Point Rd, Madison, WI 53705", "(608) 555-0147"),
    ("SOUTHPARK", "South Park Branch", "2210 S Park St, Madison, WI 53713", "(608) 555-0158"),
]

# title, author, first published, ISO 639-3 language of this edition, subject, audience, format, replacement cost
WORKS = [
    ("Pride and Prejudice", "Jane Austen", 1813, "eng", "Fiction", "adult", "book", "16.00"),
    ("Emma", "Jane Austen", 1815, "eng", "Fiction", "adult", "book", "15.00"),
    ("Moby-Dick", "Herman Melville", 1851, "eng", "Fiction", "adult", "book", "18.00"),
    ("Adventures of Huckleberry Finn", "Mark Twain", 1884, "eng", "Fiction", "teen", "book", "14.00"),
    ("The Adventures of Tom Sawyer", "Mark Twain", 1876, "eng", "Fiction", "children", "book", "12.00"),
    ("Little Women", "Louisa May Alcott", 1868, "eng", "Fiction", "teen", "book", "14.00"),
    ("Frankenstein", "Mary Shelley", 1818, "eng", "Fiction", "adult", "book", "13.00"),
    ("Dracula", "Bram Stoker", 1897, "eng", "Fiction", "adult", "audiobook", "35.00"),
    ("The Time Machine", "H. G. Wells", 1895, "eng", "Science fiction", "teen", "book", "11.00"),
    ("The War of the Worlds", "H. G. Wells", 1898, "eng", "Science fiction", "teen", "audiobook", "30.00"),
    ("Alice's Adventures in Wonderland", "Lewis Carroll", 1865, "eng", "Fiction", "children", "book", "12.00"),
    ("The Wonderful Wizard of Oz", "L. Frank Baum", 1900, "eng", "Fiction", "children", "book", "12.00"),
    ("Anne of Green Gables", "L. M. Montgomery", 1908, "eng", "Fiction", "children", "book", "12.00"),
    ("The Secret Garden", "Frances Hodgson Burnett", 1911, "eng", "Fiction", "children", "large_print", "22.00"),
    ("Treasure Island", "Robert Louis Stevenson", 1883, "eng", "Adventure", "teen", "book", "12.00"),
    ("The Call of the Wild", "Jack London", 1903, "eng", "Adventure", "teen", "book", "11.00"),
    ("The Great Gatsby", "F. Scott Fitzgerald", 1925, "eng", "Fiction", "adult", "book", "15.00"),
    ("The Great Gatsby", "F. Scott Fitzgerald", 1925, "eng", "Fiction", "adult", "large_print", "24.00"),
    ("Walden", "Henry David Thoreau", 1854, "eng", "Nature", "adult", "book", "14.00"),
    ("A Sand County Almanac", "Aldo Leopold", 1949, "eng", "Nature", "adult", "book", "17.00"),
    ("Les Misérables", "Victor Hugo", 1862, "fra", "Fiction", "adult", "book", "22.00"),
    ("Le Comte de Monte-Cristo", "Alexandre Dumas", 1844, "fra", "Fiction", "adult", "book", "20.00"),
    ("Le Petit Prince", "Antoine de Saint-Exupéry", 1943, "fra", "Fiction", "children", "book", "13.00"),
    ("Don Quijote de la Mancha", "Miguel de Cervantes", 1605, "spa", "Fiction", "adult", "book", "21.00"),
    ("Cien años de soledad", "Gabriel García Márquez", 1967, "spa", "Fiction", "adult", "book", "19.00"),
    ("Die Verwandlung", "Franz Kafka", 1915, "deu", "Fiction", "adult", "book", "12.00"),
    ("Grimms Märchen", "Jacob and Wilhelm Grimm", 1812, "deu", "Folklore", "children", "book", "16.00"),
    ("Anna Karenina", "Leo Tolstoy", 1878, "rus", "Fiction", "adult", "book", "20.00"),
    ("Crime and Punishment", "Fyodor Dostoevsky", 1866, "eng", "Fiction", "adult", "book", "17.00"),
    ("The Divine Comedy", "Dante Alighieri", 1320, "eng", "Poetry", "adult", "book", "19.00"),
    ("Leaves of Grass", "Walt Whitman", 1855, "eng", "Poetry", "adult", "book", "14.00"),
    ("The Tale of Peter Rabbit", "Beatrix Potter", 1902, "eng", "Picture books", "children", "book", "9.00"),
    ("Metropolis", "Fritz Lang (director)", 1927, "deu", "Film", "adult", "dvd", "25.00"),
    ("The General", "Buster Keaton (director)", 1926, "eng", "Film", "children", "dvd", "20.00"),
    ("Dom Casmurro", "Machado de Assis", 1899, "por", "Fiction", "adult", "book", "15.00"),
    ("I promessi sposi", "Alessandro Manzoni", 1827, "ita", "Fiction", "adult", "book", "18.00"),
    ("Kokoro", "Natsume Sōseki", 1914, "eng", "Fiction", "adult", "book", "15.00"),
    ("Pride and Prejudice", "Jane Austen", 1813, "eng", "Fiction", "adult", "audiobook", "32.00"),
]

# name, kind, home branch, card expires, owed from earlier overdue fines (kept as charges)
PATRONS = [
    ("Margaret Olson", "adult", "CENTRAL", "2028-04-30", "0.00"),
    ("Jamal Hughes", "adult", "EASTSIDE", "2027-01-31", "2.50"),
    ("Sarah Lindqvist", "adult", "LAKEVIEW", "2026-06-05", "0.00"),
    ("Tomás Rivera", "adult", "SOUTHPARK", "2027-09-30", "12.75"),
    ("Ella Rivera", "child", "SOUTHPARK", "2027-09-30", "0.00"),
    ("Priya Shah", "adult", "WESTMORE", "2028-11-30", "0.00"),
    ("Owen Schultz", "adult", "CENTRAL", "2026-03-31", "0.00"),
    ("Hana Yamamoto", "adult", "WESTMORE", "2027-06-30", "1.20"),
    ("Leo Yamamoto", "child", "WESTMORE", "2027-06-30", "0.00"),
    ("Grace Okafor", "adult", "EASTSIDE", "2028-02-29", "0.00"),
    ("Daniel Novak", "adult", "LAKEVIEW", "2027-12-31", "4.00"),
    ("Ruth Anderson", "adult", "CENTRAL", "2029-05-31", "0.00"),
    ("Mohammed Aziz", "adult", "SOUTHPARK", "2028-08-31", "0.00"),
    ("Chloe Bergstrom", "child", "LAKEVIEW", "2026-10-31", "0.00"),
    ("Victor Alvarez", "adult", "EASTSIDE", "2027-03-31", "9.90"),
    ("Ingrid Johansson", "adult", "WESTMORE", "2028-06-30", "0.00"),
    ("Samuel Green", "adult", "CENTRAL", "2027-08-31", "0.00"),
    ("Lily Chen", "child", "CENTRAL", "2028-01-31", "0.00"),
]

# patron no., work no. (1-based), copy index of that work, checked out (days before today), renewals,
# returned (days before today) or None
LOANS = [
    (1, 1, 0, 10, 0, None),
    (1, 19, 0, 30, 1, None),
    (1, 20, 0, 60, 2, 25),
    (2, 3, 0, 18, 0, None),
    (2, 33, 0, 5, 0, None),
    (3, 21, 0, 40, 1, None),
    (3, 7, 1, 12, 0, None),
    (4, 24, 0, 50, 0, None),
    (4, 17, 0, 35, 0, None),
    (5, 11, 0, 9, 0, None),
    (5, 32, 0, 9, 0, None),
    (6, 28, 0, 22, 0, None),
    (6, 8, 0, 14, 0, None),
    (8, 37, 0, 20, 1, None),
    (9, 12, 0, 16, 0, None),
    (10, 15, 0, 8, 0, None),
    (10, 25, 0, 27, 0, None),
    (11, 9, 0, 6, 0, None),
    (12, 2, 0, 19, 0, None),
    (12, 30, 0, 45, 1, 3),
    (13, 22, 0, 11, 0, None),
    (14, 13, 0, 7, 0, None),
    (15, 26, 0, 33, 0, None),
    (16, 36, 0, 15, 0, None),
    (17, 4, 0, 2, 0, None),
    (18, 23, 0, 13, 0, None),
    (17, 1, 1, 26, 0, None),
    (6, 38, 0, 21, 0, None),
    (10, 16, 0, 70, 0, 40),
    (13, 35, 0, 4, 0, None),
]

# patron no., work no., pickup branch, placed (days before today), status
HOLDS = [
    (6, 1, "WESTMORE", 6, "waiting"),
    (10, 1, "EASTSIDE", 4, "waiting"),
    (3, 17, "LAKEVIEW", 9, "waiting"),
    (12, 21, "CENTRAL", 12, "waiting"),
    (2, 28, "EASTSIDE", 3, "waiting"),
    (16, 3, "WESTMORE", 2, "waiting"),
    (11, 6, "LAKEVIEW", 5, "ready"),
    (13, 5, "SOUTHPARK", 8, "ready"),
    (1, 27, "CENTRAL", 30, "fulfilled"),
    (8, 14, "WESTMORE", 20, "cancelled"),
    (17, 31, "CENTRAL", 1, "waiting"),
    (18, 34, "CENTRAL", 2, "waiting"),
]

COPIES_PER_FORMAT = {"book": 3, "large_print": 1, "audiobook": 2, "ebook_reader": 1, "dvd": 2}


def stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def barcode(kind: str, serial: int) -> str:
    body = kind + LIBRARY_CODE + f"{serial:08d}"
    return body + luhn.calc_check_digit(body)


def build() -> dict[str, list[dict]]:
    federal = holidays.country_holidays("US", years=2026, language="en_US")
    calendar, open_days = [], []
    day = CALENDAR[0]
    while day <= CALENDAR[1]:
        name = federal.get(day)
        calendar.append({"id": day.isoformat(), "day": day.isoformat(), "open": name is None, "holiday": name})
        if name is None:
            open_days.append(day)
        day += dt.timedelta(days=1)

    def open_on_or_after(d: dt.date) -> dt.date:
        return min(x for x in open_days if x >= d)

    branches = [{"id": b, "name": n, "address": a, "phone": p} for b, n, a, p in BRANCHES]
    works, copies, copies_of = [], [], {}
    serial = 10000
    for n, (title, author, year, lang, subject, audience, fmt, cost) in enumerate(WORKS, start=1):
        wid = f"b{1000000 + n * 1009}"
        works.append(
            {
                "id": wid,
                "title": title,
                "author": author,
                "first_published": year,
                "language": pycountry.languages.get(alpha_3=lang).name,
                "subject": subject,
                "audience": audience,
                "format": fmt,
                "replacement_cost": Money.of(cost),
            }
        )
        copies_of[n] = []
        for k in range(COPIES_PER_FORMAT[fmt] if lang == "eng" else 1):
            serial += 1 + stable(wid + str(k)) % 7
            code = barcode("3", serial)
            home = BRANCHES[(n + k) % len(BRANCHES)][0]
            copies.append({"barcode": code, "work": wid, "home_branch": home, "status": "available"})
            copies_of[n].append(code)
    copy_row = {c["barcode"]: c for c in copies}
    copy_row[copies_of[10][1]]["status"] = "in_transit"
    copy_row[copies_of[29][0]]["status"] = "lost"

    patrons, charges = [], []
    for i, (name, kind, home, expires, owed) in enumerate(PATRONS):
        card = barcode("2", 40000 + i * 37)
        first, last = name.lower().replace("á", "a").replace("ó", "o").split()
        patrons.append(
            {
                "card": card,
                "name": name,
                "email": f"{first}.{last}@example.org",
                "kind": kind,
                "home_branch": home,
                "card_expires": expires,
                "balance": Money.of(owed),
            }
        )
        if Money.of(owed).value > 0:
            charges.append(
                {
                    "patron": card,
                    "kind": "overdue",
                    "amount": Money.of(owed),
                    "on": "2026-04-14",
                    "loan": None,
                    "note": "overdue fines carried over",
                }
            )

    loans = []
    for n, (p, w, k, out_ago, renewals, back_ago) in enumerate(LOANS, start=1):
        code = copies_of[w][k]
        out = TODAY - dt.timedelta(days=out_ago)
        due = open_on_or_after(out + dt.timedelta(days=21 * (1 + renewals)))
        returned = None if back_ago is None else (TODAY - dt.timedelta(days=back_ago)).isoformat()
        if returned is None:
            assert copy_row[code]["status"] == "available", code
            copy_row[code]["status"] = "on_loan"
        work = WORKS[w - 1]
        assert PATRONS[p - 1][1] == "adult" or work[5] != "adult", (p, w)
        loans.append(
            {
                "id": f"LN{20001 + n}",
                "copy": code,
                "patron": patrons[p - 1]["card"],
                "checked_out": out.isoformat(),
                "due": due.isoformat(),
                "renewals": renewals,
                "returned": returned,
                "lost": False,
            }
        )

    holds = []
    for n, (p, w, pickup, placed_ago, status) in enumerate(HOLDS, start=1):
        placed = dt.datetime.combine(TODAY - dt.timedelta(days=placed_ago), dt.time(9 + n % 9, (n * 13) % 60))
        ready_until = open_on_or_after(TODAY + dt.timedelta(days=4 + n % 3)).isoformat() if status == "ready" else None
        holds.append(
            {
                "id": f"HD{3001 + n}",
                "work": works[w - 1]["id"],
                "patron": patrons[p - 1]["card"],
                "pickup": pickup,
                "placed_at": placed.isoformat(),
                "status": status,
                "ready_until": ready_until,
            }
        )
    charges = [{"id": f"CH{501 + n}", **c} for n, c in enumerate(charges)]
    return {
        "Branch": branches,
        "CalendarDay": calendar,
        "Work": works,
        "Copy": copies,
        "Patron": patrons,
        "Loan": loans,
        "Hold": holds,
        "Charge": charges,
    }


def main() -> None:
    tables = build()
    packages = ", ".join(
        f"{n} {version(n)} ({lic})"
        for n, lic in [("holidays", "MIT"), ("pycountry", "LGPL-2.1-only"), ("python-stdnum", "LGPL-2.1-or-later")]
    )
    write_yaml(
        SPECS / "education" / "library.seed.yaml",
        "library_seed.py",
        {
            "source": "derived from registry packages and public bibliographic facts, plus an invented library",
            "packages": packages,
            "real": "public-domain works with their authors and first-publication years (hand-written), ISO 639 "
            "language names, US federal holidays as closing days, the 14-digit library barcode convention with "
            "Luhn check digits",
            "invented": "Riverbend Public Library, its branches and addresses, copies, replacement costs, patrons "
            "(emails at example.org), loans, holds and charges",
            "generator": "specs/_sources/library_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
