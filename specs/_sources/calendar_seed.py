"""Writes specs/productivity/calendar.seed.yaml: the London office calendar of
Fenwick & Hale, a fictional consultancy.

Real: the bank holidays of England for 2026, from the `holidays` package
(`holidays.UK(subdiv="ENG")`); the office is closed on them and no meeting
with a room is placed on one (nor on a weekend). Invented: the firm, its
people, rooms, meetings and answers. Meetings are laid out day by day over
2026-03-23 .. 2026-04-17 around the spec's clock (2026-03-30T09:00), each
room booked at most once at a time and never over capacity, answers given
before the clock; choices are made with a hash of fixed strings, so the
output never changes.

Run: python specs/_sources/calendar_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import holidays
from seedlib import SPECS, counts, write_yaml

CLOCK = dt.datetime(2026, 3, 30, 9, 0)
FIRST, LAST = dt.date(2026, 3, 23), dt.date(2026, 4, 17)


def pick(key: str, n: int) -> int:
    """A deterministic number in range(n) chosen by a string."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


PEOPLE = [
    # username, name, team
    ("amelia", "Amelia Hart", "Leadership"),
    ("oliver", "Oliver Bennett", "Leadership"),
    ("priya", "Priya Raman", "Strategy"),
    ("james", "James Okafor", "Strategy"),
    ("chloe", "Chloe Walsh", "Strategy"),
    ("harry", "Harry Lindqvist", "Data"),
    ("zara", "Zara Hussain", "Data"),
    ("tomasz", "Tomasz Nowak", "Data"),
    ("grace", "Grace Adeyemi", "Design"),
    ("ethan", "Ethan Clarke", "Design"),
    ("sophie", "Sophie Laurent", "Operations"),
    ("mohammed", "Mohammed Aziz", "Operations"),
    ("isla", "Isla MacLeod", "Operations"),
    ("daniel", "Daniel Reyes", "Data"),
]

ROOMS = [
    # id, name, floor, capacity, video
    ("G-01", "Thames", 0, 14, True),
    ("1-01", "Borough", 1, 4, False),
    ("1-02", "Southwark", 1, 6, True),
    ("1-03", "Bermondsey", 1, 2, False),
    ("2-01", "Blackfriars", 2, 8, True),
    ("2-02", "Bankside", 2, 4, True),
    ("3-01", "Tower", 3, 10, True),
    ("3-02", "Shad", 3, 3, False),
]

TITLES = [
    "Client workshop: retail pricing",
    "Quarterly planning",
    "Data pipeline review",
    "Design critique",
    "Proposal review for Harbour Bank",
    "Hiring panel",
    "Budget check-in",
    "Research readout",
    "Project kick-off: NHS trust dashboard",
    "Vendor call",
    "Workshop prep",
    "Architecture review",
]

# start hour, minute, length in minutes
SLOTS = [(9, 30, 60), (11, 0, 60), (13, 30, 90), (15, 0, 45), (16, 30, 30)]


def main() -> None:
    bank = holidays.UK(subdiv="ENG", years=2026)
    holiday_rows = [{"id": d.isoformat(), "day": d.isoformat(), "name": name} for d, name in sorted(bank.items())]
    closed = set(bank)
    users = [p[0] for p in PEOPLE]
    people = [
        {"username": u, "name": name, "email": f"{u}@fenwickhale.example.co.uk", "team": team}
        for u, name, team in PEOPLE
    ]
    rooms = [
        {"id": rid, "name": name, "floor": floor, "capacity": cap, "has_video": True if video else None}
        for rid, name, floor, cap, video in ROOMS
    ]
    capacity = {r[0]: r[3] for r in ROOMS}
    by_size = sorted(ROOMS, key=lambda r: (r[3], r[0]))

    events: list[dict] = []
    invitations: list[dict] = []
    booked: list[tuple[str, dt.datetime, dt.datetime]] = []

    def free(room: str, starts: dt.datetime, ends: dt.datetime) -> bool:
        return not any(r == room and s < ends and starts < e for r, s, e in booked)

    def add_event(
        organizer: str,
        title: str,
        starts: dt.datetime,
        minutes: int,
        guests: list[str],
        *,
        with_room: bool = True,
        private: bool = False,
        cancelled: str | None = None,
        room: str | None = None,
    ) -> None:
        ends = starts + dt.timedelta(minutes=minutes)
        eid = f"EV{1001 + len(events)}"
        workday = starts.weekday() < 5 and starts.date() not in closed
        chosen = None
        if with_room and workday:
            candidates = [room] if room else [r[0] for r in by_size if r[3] >= len(guests) + 1]
            chosen = next((r for r in candidates if free(r, starts, ends)), None)
            assert room is None or chosen == room, (eid, room)
        created = min(starts - dt.timedelta(days=6), CLOCK - dt.timedelta(days=1))
        events.append(
            {
                "id": eid,
                "organizer": organizer,
                "title": title,
                "starts": starts.isoformat(),
                "ends": ends.isoformat(),
                "room": chosen,
                "private": True if private else None,
                "status": "cancelled" if cancelled else None,
                "created": created.isoformat(),
                "cancel_reason": cancelled,
            }
        )
        if chosen and not cancelled:
            booked.append((chosen, starts, ends))
        for g in guests:
            key = f"{eid}/{g}"
            past = starts <= CLOCK
            roll = pick(key, 10)
            if past:
                answer = "declined" if roll == 0 else "tentative" if roll == 1 else "accepted"
            else:
                answer = (
                    "needs_action"
                    if roll < 4
                    else "declined"
                    if roll == 4
                    else "tentative"
                    if roll == 5
                    else "accepted"
                )
            answered = None
            if answer != "needs_action":
                answered = min(created + dt.timedelta(hours=2 + pick(key + "h", 40)), CLOCK - dt.timedelta(hours=1))
            invitations.append(
                {
                    "id": f"IN{1001 + len(invitations)}",
                    "event": eid,
                    "person": g,
                    "response": None if answer == "needs_action" else answer,
                    "responded_at": answered.isoformat() if answered else None,
                }
            )

    day = FIRST
    while day <= LAST:
        if day.weekday() < 5 and day not in closed:
            # A Monday stand-up for the whole office in the big room.
            if day.weekday() == 0:
                add_event(
                    "amelia",
                    "Office stand-up",
                    dt.datetime.combine(day, dt.time(9, 0)),
                    20,
                    [u for u in users if u != "amelia"][:11],
                    room="G-01",
                )
            for n in range(3):
                key = f"{day}/{n}"
                h, m, minutes = SLOTS[pick(key + "slot", len(SLOTS))]
                organizer = users[pick(key + "org", len(users))]
                others = [u for u in users if u != organizer]
                guests = sorted({others[pick(f"{key}/g{k}", len(others))] for k in range(1 + pick(key + "n", 5))})
                title = TITLES[pick(key + "title", len(TITLES))]
                add_event(
                    organizer,
                    title,
                    dt.datetime.combine(day, dt.time(h, m)),
                    minutes,
                    guests,
                    with_room=pick(key + "room", 5) != 0,
                )
            # A private one-to-one without a room.
            a = users[pick(f"{day}/1on1a", len(users))]
            b = [u for u in users if u != a][pick(f"{day}/1on1b", len(users) - 1)]
            add_event(
                a,
                "1:1 " + a.title() + " / " + b.title(),
                dt.datetime.combine(day, dt.time(12, 15)),
                30,
                [b],
                with_room=False,
                private=True,
            )
        day += dt.timedelta(days=1)

    # Edge cases the tools need: a full small room tomorrow, cancelled meetings,
    # and a call on Good Friday without a room.
    add_event("ethan", "Design pairing", dt.datetime(2026, 3, 31, 10, 0), 60, ["grace", "isla"], room="3-02")
    add_event(
        "priya",
        "Client dinner planning",
        dt.datetime(2026, 4, 1, 17, 0),
        30,
        ["james", "amelia"],
        cancelled="Client moved the dinner to May",
    )
    add_event(
        "harry", "Model validation sync", dt.datetime(2026, 3, 27, 14, 0), 60, ["zara"], cancelled="Harry off sick"
    )
    add_event("sophie", "Payroll cut-off call", dt.datetime(2026, 4, 3, 10, 0), 30, ["mohammed"], with_room=False)

    for e in events:
        if e["room"]:
            taken = sum(1 for i in invitations if i["event"] == e["id"] and i["response"] != "declined")
            assert taken + 1 <= capacity[e["room"]], e

    tables = {
        "Person": people,
        "Room": rooms,
        "Holiday": holiday_rows,
        "Event": events,
        "Invitation": invitations,
    }
    write_yaml(
        SPECS / "productivity" / "calendar.seed.yaml",
        "calendar_seed.py",
        {
            "source": "derived from a public data package, plus invented data",
            "package": f"holidays {version('holidays')} (MIT licence): bank holidays of England, 2026",
            "real": "the dates and names of the 2026 bank holidays in England",
            "invented": "the firm Fenwick & Hale, its people, rooms, meetings and answers; emails use example.co.uk",
            "generator": "specs/_sources/calendar_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
