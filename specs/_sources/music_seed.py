"""Writes specs/entertainment/music.seed.yaml: the catalogue and playlists of
Tidewave, a fictional music-streaming service.

Real: the artists' and listeners' ISO 3166-1 country codes and the tracks'
ISO 639-1 language codes, checked against `pycountry` (each artist sings in
a main language of their country); genre conventions (track lengths typical
of the genre, explicit lyrics mostly in hip hop). Invented: every artist,
album, label, track title, listener, playlist, play count and play. Playlists
hold released tracks at positions 1..n, explicit tracks never sit in the
playlists of listeners who filter them, and collaborative playlists are
private, as the spec requires.

Run: python specs/_sources/music_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import pycountry
from seedlib import SPECS, counts, write_yaml

CLOCK = dt.datetime(2026, 4, 10, 20, 0)
TODAY = CLOCK.date()


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


# name, country, language, genre, label
ARTISTS = [
    ("Lumen Harbor", "GB", "en", "pop", "Northlight Records"),
    ("The Quiet Engines", "US", "en", "rock", "Rust Belt Sound"),
    ("MC Orbit", "US", "en", "hiphop", "Concrete Tapes"),
    ("Nova Kaleidoscope", "DE", "de", "electronic", "Spreewerk"),
    ("Ines Calado", "PT", "pt", "folk", "Casa Azul"),
    ("Los Faroles", "MX", "es", "latin", "Sol de Medianoche"),
    ("Haneul Project", "KR", "ko", "kpop", "Bluewave Ent."),
    ("Adaeze", "NG", "en", "afrobeats", "Lagoon Sounds"),
    ("Trio Nørd", "DK", "da", "jazz", "Havn Jazz"),
    ("Ferro Vivo", "IT", "it", "metal", "Vulcano Dischi"),
    ("Camille Orsay", "FR", "fr", "pop", "Rive Gauche Musique"),
    ("Kaito Mori", "JP", "ja", "electronic", "Neon Koi"),
    ("Solana Rivers", "US", "en", "rnb", "Velvet Hour"),
    ("Ensemble Aurora", "AT", "de", "classical", "Wiener Klangarchiv"),
    ("Bruna Teles", "BR", "pt", "latin", "Tropicália Nova"),
    ("Lil Tundra", "CA", "en", "hiphop", "Frostbite Music"),
    ("Saga Lind", "SE", "sv", "pop", "Midnattsol"),
    ("Dust & Dawn", "AU", "en", "folk", "Outback Audio"),
]

WORDS = [
    "Midnight",
    "Harbour",
    "Golden",
    "Echo",
    "River",
    "Paper",
    "Neon",
    "Silver",
    "Wild",
    "Quiet",
    "Summer",
    "Static",
    "Velvet",
    "Glass",
    "Distant",
    "Electric",
    "Hollow",
    "Crimson",
    "Northern",
    "Falling",
]
NOUNS = [
    "Lights",
    "Hearts",
    "Roads",
    "Waves",
    "Signals",
    "Gardens",
    "Skies",
    "Letters",
    "Dreams",
    "Streets",
    "Fires",
    "Tides",
    "Voices",
    "Mirrors",
    "Horizons",
    "Bridges",
]

# (min, max) track seconds by genre
LENGTHS = {
    "pop": (170, 230),
    "rock": (190, 300),
    "hiphop": (150, 240),
    "electronic": (200, 420),
    "jazz": (240, 540),
    "classical": (300, 1500),
    "folk": (180, 280),
    "latin": (180, 250),
    "kpop": (170, 220),
    "afrobeats": (170, 240),
    "metal": (220, 420),
    "rnb": (180, 260),
}

LISTENERS = [
    ("maya_r", "Maya R.", "GB", "premium", False),
    ("jonas.k", "Jonas K.", "DE", "free", False),
    ("leo_santos", "Leo Santos", "BR", "family", False),
    ("ana.lucia", "Ana Lucía", "MX", "free", True),
    ("minji", "Minji", "KR", "premium", False),
    ("tobi_a", "Tobi A.", "NG", "premium", False),
    ("freja.h", "Freja H.", "DK", "free", False),
    ("giulia", "Giulia", "IT", "premium", False),
    ("sam_teen", "Sam", "US", "family", True),
    ("hiro", "Hiro", "JP", "free", False),
    ("chloe.b", "Chloé B.", "FR", "premium", False),
    ("noah_w", "Noah W.", "CA", "free", False),
    ("ella_au", "Ella", "AU", "premium", True),
    ("emil.s", "Emil S.", "SE", "free", False),
    ("kai_j", "Kai J.", "US", "premium", False),
]


def main() -> None:
    artists, albums, tracks = [], [], []
    for i, (name, cc, lang, genre, label) in enumerate(ARTISTS):
        assert pycountry.countries.get(alpha_2=cc) is not None and pycountry.languages.get(alpha_2=lang) is not None
        aid = f"AR-{1001 + i}"
        artists.append({"id": aid, "name": name, "country": cc, "genre": genre})
        for k in range(1 + (i % 3 != 2)):
            key = f"{aid}/{k}"
            released = TODAY - dt.timedelta(days=20 + pick(key + "rel", 2500))
            if k == 1 and i % 4 == 0:
                released = TODAY + dt.timedelta(days=7 + pick(key + "soon", 40))  # announced, not out yet
            alb = f"AL-{2001 + len(albums)}"
            title = f"{WORDS[pick(key + 't1', len(WORDS))]} {NOUNS[pick(key + 't2', len(NOUNS))]}"
            albums.append({"id": alb, "title": title, "artist": aid, "released": released.isoformat(), "label": label})
            lo, hi = LENGTHS[genre]
            for n in range(1, 5 + pick(key + "n", 4)):
                tkey = f"{alb}/{n}"
                explicit = (
                    genre == "hiphop"
                    and pick(tkey + "x", 3) != 0
                    or genre in ("rock", "metal")
                    and pick(tkey + "x", 8) == 0
                )
                plays = 0 if released > TODAY else 1000 * pick(tkey + "p", 5000) + pick(tkey + "q", 1000)
                tracks.append(
                    {
                        "id": f"TR-{3001 + len(tracks)}",
                        "title": f"{WORDS[pick(tkey + 'w', len(WORDS))]} {NOUNS[pick(tkey + 'n', len(NOUNS))]}",
                        "album": alb,
                        "number": n,
                        "seconds": lo + pick(tkey + "s", hi - lo + 1),
                        "explicit": True if explicit else None,
                        "language": lang,
                        "plays": plays,
                    }
                )
    released_on = {a["id"]: a["released"] for a in albums}
    playable = [t for t in tracks if released_on[t["album"]] <= TODAY.isoformat()]

    users = [
        {
            "id": u,
            "display_name": n,
            "country": c,
            "plan": None if p == "free" else p,
            "filter_explicit": True if f else None,
        }
        for u, n, c, p, f in LISTENERS
    ]
    filters = {u: f for u, _, _, _, f in LISTENERS}
    playlists, entries, collaborators, follows = [], [], [], []
    names = [
        "Morning Run",
        "Focus",
        "Sunday Cooking",
        "Road Trip 2026",
        "Late Night",
        "Gym",
        "Rainy Days",
        "Party Mix",
        "Chill Evenings",
        "Throwbacks",
        "Study Beats",
        "Dinner with Friends",
    ]
    for i in range(28):
        key = f"pl{i}"
        owner = LISTENERS[pick(key, len(LISTENERS))][0]
        collaborative = pick(key + "col", 5) == 0
        public = not collaborative and pick(key + "pub", 2) == 0
        created = CLOCK - dt.timedelta(days=5 + pick(key + "d", 600))
        pid = f"PL{1001 + len(playlists)}"
        pool = [t for t in playable if not (filters[owner] and t["explicit"])]
        chosen: list[dict] = []
        for k in range(3 + pick(key + "n", 9)):
            t = pool[pick(f"{key}/{k}", len(pool))]
            if t not in chosen:
                chosen.append(t)
        updated = created
        for pos, t in enumerate(chosen, 1):
            added = created + dt.timedelta(days=pos, hours=pick(f"{key}/{pos}h", 20))
            added = min(added, CLOCK - dt.timedelta(hours=1))
            updated = max(updated, added)
            entries.append(
                {
                    "id": f"E{1001 + len(entries)}",
                    "playlist": pid,
                    "track": t["id"],
                    "position": pos,
                    "added_by": owner,
                    "added_at": added.isoformat(),
                }
            )
        playlists.append(
            {
                "id": pid,
                "owner": owner,
                "name": names[pick(key + "name", len(names))],
                "description": None,
                "public": True if public else None,
                "collaborative": True if collaborative else None,
                "created": created.isoformat(),
                "updated": updated.isoformat(),
            }
        )
        if collaborative:
            friend = LISTENERS[pick(key + "friend", len(LISTENERS))][0]
            if friend != owner:
                collaborators.append({"id": f"CB{1001 + len(collaborators)}", "playlist": pid, "user": friend})
        if public:
            for k in range(pick(key + "fol", 4)):
                fan = LISTENERS[pick(f"{key}/fan{k}", len(LISTENERS))][0]
                if fan != owner and not any(f["playlist"] == pid and f["user"] == fan for f in follows):
                    follows.append(
                        {
                            "id": f"FW{1001 + len(follows)}",
                            "playlist": pid,
                            "user": fan,
                            "since": (created + dt.timedelta(days=3 + k)).isoformat(),
                        }
                    )
    plays = []
    for i in range(90):
        key = f"play{i}"
        user = LISTENERS[pick(key, len(LISTENERS))][0]
        pool = [t for t in playable if not (filters[user] and t["explicit"])]
        t = pool[pick(key + "t", len(pool))]
        at = CLOCK - dt.timedelta(hours=1 + pick(key + "h", 24 * 14), minutes=pick(key + "m", 60))
        plays.append({"id": f"PY{1001 + i}", "user": user, "track": t["id"], "at": at.isoformat()})

    tables = {
        "Artist": artists,
        "Album": albums,
        "Track": tracks,
        "User": users,
        "Playlist": playlists,
        "Entry": entries,
        "Collaborator": collaborators,
        "Follow": follows,
        "Play": plays,
    }
    write_yaml(
        SPECS / "entertainment" / "music.seed.yaml",
        "music_seed.py",
        {
            "source": "invented data checked against a public data package",
            "package": f"pycountry {version('pycountry')} (LGPL-2.1; ISO 3166 and ISO 639 data)",
            "real": "country and language codes (each artist sings in a main language of their country); track "
            "lengths typical of each genre",
            "invented": "artists, albums, labels, track titles, listeners, playlists, play counts and plays",
            "generator": "specs/_sources/music_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
