"""Writes specs/productivity/issue_tracker.seed.yaml: the tracker of
Brightwater Labs, a fictional software company in Dublin.

Real: the Irish public holidays of 2026 from `holidays` (`holidays.IE`); the
two-week sprints start on the first working day of their week, so a sprint
never starts on a bank holiday (Sprint 16 starts on the Tuesday after Easter
Monday). Invented: the company, people, projects, memberships, issues,
comments and links. Issue histories follow the spec's workflow: issues in
progress or review have an assignee who is a developer or admin of the
project, done issues have a resolution time and only done blockers, closed
sprints hold only done issues, and one sprint per project is active.

Run: python specs/_sources/issue_tracker_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import holidays
from seedlib import SPECS, counts, write_yaml

CLOCK = dt.datetime(2026, 3, 18, 11, 0)


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


PEOPLE = [
    ("aoife", "Aoife Byrne"),
    ("cian", "Cian O'Sullivan"),
    ("niamh", "Niamh Kelly"),
    ("darragh", "Darragh Walsh"),
    ("siobhan", "Siobhán Ryan"),
    ("eoin", "Eoin Murphy"),
    ("priya", "Priya Menon"),
    ("tomas", "Tomás Novák"),
    ("grainne", "Gráinne Doyle"),
    ("liam", "Liam McCarthy"),
    ("ana", "Ana Ferreira"),
    ("ruairi", "Ruairí Lynch"),
]

# code, name, lead, members {username: role}
PROJECTS = [
    (
        "WEB",
        "Customer web app",
        "aoife",
        {
            "aoife": "admin",
            "cian": "developer",
            "niamh": "developer",
            "priya": "developer",
            "grainne": "viewer",
            "liam": "developer",
        },
    ),
    (
        "MOB",
        "Mobile app",
        "darragh",
        {"darragh": "admin", "siobhan": "developer", "eoin": "developer", "ana": "developer", "aoife": "viewer"},
    ),
    (
        "API",
        "Platform API",
        "tomas",
        {
            "tomas": "admin",
            "cian": "developer",
            "eoin": "developer",
            "ruairi": "developer",
            "priya": "developer",
            "darragh": "viewer",
        },
    ),
    (
        "OPS",
        "Infrastructure",
        "ruairi",
        {"ruairi": "admin", "tomas": "developer", "liam": "developer", "grainne": "viewer"},
    ),
]

TITLES = {
    "WEB": [
        "Checkout button misaligned on Safari",
        "Add dark mode toggle",
        "Password reset email not sent",
        "Improve search relevance for product names",
        "Cookie banner blocks the footer on mobile",
        "Show order history pagination",
        "Upgrade React to 19",
        "Accessibility: form labels missing",
        "Slow first paint on landing page",
        "Add Irish language translation",
        "Basket total rounds wrongly",
        "Newsletter sign-up double opt-in",
    ],
    "MOB": [
        "App crashes on Android 15 when opening camera",
        "Push notifications arrive twice",
        "Biometric login for iOS",
        "Offline mode for saved lists",
        "Crash on logout with expired token",
        "Localise date formats",
        "Reduce app size below 50 MB",
        "Deep links open the wrong screen",
        "Onboarding carousel redesign",
        "Battery drain in background sync",
    ],
    "API": [
        "Rate limiting per API key",
        "500 on /orders with empty cart",
        "Add pagination to /customers",
        "Deprecate v1 auth endpoints",
        "Webhook retries with backoff",
        "OpenAPI spec out of date",
        "Timezone bug in invoice dates",
        "Bulk export endpoint",
        "N+1 query in order lines",
        "Idempotency keys for payments",
    ],
    "OPS": [
        "Rotate database credentials",
        "Move CI runners to ARM",
        "Set up log retention of 90 days",
        "Alert on certificate expiry",
        "Upgrade Postgres to 17",
        "Terraform state locking",
        "Cost report per team",
        "Backup restore drill",
    ],
}

COMMENTS = [
    "Can reproduce on staging.",
    "I have a fix in review.",
    "Is this still happening after the last deploy?",
    "Needs a design decision first.",
    "Added a test case.",
    "Customer reported this again today.",
    "Blocked until the API change ships.",
    "Looks good to me.",
]


def main() -> None:
    bank = holidays.IE(years=2026)
    people = [{"username": u, "name": n, "email": f"{u}@brightwater.example.ie"} for u, n in PEOPLE]
    projects = [{"code": c, "name": n, "lead": lead} for c, n, lead, _ in PROJECTS]
    members = []
    for code, _, _, roles in PROJECTS:
        for user, role in roles.items():
            members.append(
                {
                    "id": f"MB{1001 + len(members)}",
                    "project": code,
                    "person": user,
                    "role": None if role == "developer" else role,
                }
            )

    # Two-week sprints from Monday 2026-02-09; a sprint starts on the first working day of its week.
    sprints = []
    monday = dt.date(2026, 2, 9)
    for n in range(12, 17 + 1):
        starts = monday
        while starts in bank or starts.weekday() >= 5:
            starts += dt.timedelta(days=1)
        ends = monday + dt.timedelta(days=11)  # the Friday of the second week
        state = "closed" if ends < CLOCK.date() else "active" if starts <= CLOCK.date() else "planned"
        for code, *_ in PROJECTS:
            if code == "OPS" and n % 2:
                continue  # the infrastructure team plans monthly
            sprints.append(
                {
                    "id": f"SP{1001 + len(sprints)}",
                    "project": code,
                    "name": f"{code} Sprint {n}",
                    "starts": starts.isoformat(),
                    "ends": ends.isoformat(),
                    "state": state,
                    "goal": None,
                }
            )
        monday += dt.timedelta(days=14)
    for s in sprints:
        s["state"] = None if s["state"] == "planned" else s["state"]

    issues, comments, links = [], [], []
    for code, _, _, roles in PROJECTS:
        workers = [u for u, r in roles.items() if r != "viewer"]
        everyone = list(roles)
        project_sprints = [s for s in sprints if s["project"] == code]
        for k, title in enumerate(TITLES[code]):
            key = f"{code}/{k}"
            itype = (
                "bug"
                if any(
                    w in title.lower()
                    for w in ("crash", "bug", "not ", "wrong", "500", "misaligned", "twice", "slow", "blocks", "rounds")
                )
                else ["task", "story"][pick(key + "type", 2)]
            )
            # A quarter of the issues sit in the backlog; the rest in one of the project's sprints.
            sprint = project_sprints[pick(key + "sprint", len(project_sprints))] if pick(key + "bl", 4) else None
            state = sprint["state"] if sprint else None
            if state == "closed":
                status = "done"
            elif state == "active":
                status = ["todo", "in_progress", "in_review", "done"][pick(key + "st", 4)]
            elif state is None and sprint is not None:
                status = "todo"
            else:
                status = ["todo", "todo", "done", "in_progress"][pick(key + "st", 4)]
            day = CLOCK.date() - dt.timedelta(days=10 + pick(key + "d", 60))
            created = dt.datetime.combine(day, dt.time(9 + pick(key + "h", 8), 5 * pick(key + "m", 12)))
            assignee = workers[pick(key + "who", len(workers))] if status != "todo" or pick(key + "as", 2) else None
            resolved = None
            updated = created + dt.timedelta(days=1 + pick(key + "u", 8))
            if status == "done":
                end = dt.date.fromisoformat(sprint["ends"]) if sprint else CLOCK.date() - dt.timedelta(days=2)
                resolved = min(dt.datetime.combine(end, dt.time(15, 30)), CLOCK - dt.timedelta(hours=2))
                resolved = max(resolved, created + dt.timedelta(days=1))
                updated = resolved
            updated = min(updated, CLOCK - dt.timedelta(hours=1))
            iid = f"ISS-{1001 + len(issues)}"
            issues.append(
                {
                    "id": iid,
                    "project": code,
                    "type": itype,
                    "title": title,
                    "description": None,
                    "priority": ["blocker", "high", "medium", "medium", "low"][pick(key + "pr", 5)],
                    "status": None if status == "todo" else status,
                    "reporter": everyone[pick(key + "rep", len(everyone))],
                    "assignee": assignee,
                    "sprint": sprint["id"] if sprint else None,
                    "points": [1, 2, 3, 5, 8, None][pick(key + "pts", 6)] if itype != "bug" else None,
                    "created": created.isoformat(),
                    "updated": updated.isoformat(),
                    "resolved_at": resolved.isoformat() if resolved else None,
                }
            )
            for c in range(pick(key + "nc", 3)):
                at = created + dt.timedelta(hours=5 + 20 * c)
                comments.append(
                    {
                        "id": f"CM{1001 + len(comments)}",
                        "issue": iid,
                        "author": everyone[pick(f"{key}/c{c}", len(everyone))],
                        "body": COMMENTS[pick(f"{key}/cb{c}", len(COMMENTS))],
                        "at": min(at, CLOCK - dt.timedelta(minutes=30)).isoformat(),
                    }
                )
        # Blocking links inside the project: a done issue is only blocked by done issues.
        mine = [i for i in issues if i["project"] == code]
        for k in range(3):
            a = mine[pick(f"{code}/link{k}a", len(mine))]
            b = mine[pick(f"{code}/link{k}b", len(mine))]
            if a is b or (b["status"] == "done" and a["status"] != "done"):
                continue
            if any({lk["blocker"], lk["blocked"]} == {a["id"], b["id"]} for lk in links):
                continue
            links.append({"id": f"LK{1001 + len(links)}", "blocker": a["id"], "blocked": b["id"]})

    tables = {
        "Person": people,
        "Project": projects,
        "Member": members,
        "Sprint": sprints,
        "Issue": issues,
        "Comment": comments,
        "Link": links,
    }
    write_yaml(
        SPECS / "productivity" / "issue_tracker.seed.yaml",
        "issue_tracker_seed.py",
        {
            "source": "invented data, with dates from a public data package",
            "package": f"holidays {version('holidays')} (MIT): Irish public holidays 2026",
            "real": "Irish public holidays, which no sprint starts on",
            "invented": "the company Brightwater Labs, its people, projects, sprints, issues, comments and links; "
            "emails use example.ie",
            "generator": "specs/_sources/issue_tracker_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
