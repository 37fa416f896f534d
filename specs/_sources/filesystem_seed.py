"""Writes specs/productivity/filesystem.seed.yaml and files.csv: the drive of
Larkspur Studio, a fictional design studio, and two of its clients.

People, folders, files, shares and activity are invented; emails use
example domains. Sizes and MIME types are typical of the kind of file.
The activity log is derived from the files and shares (one `created` event
per file, an `edited` event per later version, a `shared` event per share,
a `trashed` event per trashed file), so it agrees with them.

Run: python specs/_sources/filesystem_seed.py
"""

from __future__ import annotations

from seedlib import SPECS, counts, write_csv, write_yaml

GiB = 1024**3
MiB = 1024**2
KiB = 1024

USERS = [
    # username, display name, email, plan, quota
    ("nadia", "Nadia Petrova", "nadia@larkspur.example", "business", 2048 * GiB),
    ("tom", "Tom Becker", "tom@larkspur.example", "business", 1024 * GiB),
    ("aisha", "Aisha Karim", "aisha@larkspur.example", "business", 1024 * GiB),
    ("leo", "Leo Martins", "leo@larkspur.example", "business", 1024 * GiB),
    ("mei", "Mei Tanaka", "mei@larkspur.example", "business", 1024 * GiB),
    ("jordan_lee", "Jordan Lee", "jordan@harborcoffee.example.com", "free", 15 * GiB),
    ("sara_quinn", "Sara Quinn", "sara@quinnbooks.example.org", "personal", 100 * GiB),
    ("omar_f", "Omar Farouk", "omar.farouk@example.net", "free", 15 * GiB),
]

FOLDERS = [
    # handle, name, parent handle, owner, created
    ("clients", "Clients", None, "nadia", "2019-03-04T10:12:00"),
    ("harbor", "Harbor Coffee", "clients", "nadia", "2025-09-15T09:30:00"),
    ("quinn", "Quinn Books", "clients", "nadia", "2025-11-03T14:05:00"),
    ("admin", "Studio Admin", None, "nadia", "2019-03-04T10:15:00"),
    ("invoices", "Invoices 2026", "admin", "nadia", "2026-01-02T08:40:00"),
    ("contracts", "Contracts", "admin", "nadia", "2019-03-04T10:16:00"),
    ("rebrand", "Harbor Coffee Rebrand", None, "tom", "2025-09-16T11:00:00"),
    ("logos", "Logo Explorations", "rebrand", "tom", "2025-09-18T15:20:00"),
    ("type", "Type Specimens", None, "tom", "2021-06-11T13:45:00"),
    ("covers", "Quinn Books Covers", None, "aisha", "2025-11-04T09:10:00"),
    ("catalogue", "Spring Catalogue", "covers", "aisha", "2026-01-12T10:00:00"),
    ("aisha_personal", "Personal", None, "aisha", "2020-02-20T18:30:00"),
    ("onboarding", "Onboarding", None, "leo", "2026-01-19T09:00:00"),
    ("retouch", "Photo Retouching", None, "leo", "2026-01-26T11:30:00"),
    ("projects", "Projects", None, "mei", "2023-05-08T08:55:00"),
    ("notes", "Meeting Notes", "projects", "mei", "2023-05-08T09:00:00"),
    ("schedules", "Schedules", "projects", "mei", "2024-01-15T16:20:00"),
    ("brand_assets", "Harbor Coffee Brand Assets", None, "jordan_lee", "2025-09-20T12:00:00"),
    ("manuscripts", "Manuscripts", None, "sara_quinn", "2024-08-01T19:45:00"),
    ("footage", "Footage", None, "omar_f", "2025-12-01T10:00:00"),
    ("edits", "Edits", None, "omar_f", "2025-12-01T10:02:00"),
    ("archive", "Archive", "footage", "omar_f", "2026-02-02T17:30:00"),
]

PDF = "application/pdf"
SVG = "image/svg+xml"
PSD = "image/vnd.adobe.photoshop"
PNG = "image/png"
JPG = "image/jpeg"
MP4 = "video/mp4"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MD = "text/markdown"
OTF = "font/otf"
ZIP = "application/zip"

FILES = [
    # name, folder, mime, size, version, created, modified, starred, trashed at
    (
        "Harbor Coffee - Statement of Work.pdf",
        "harbor",
        PDF,
        412 * KiB,
        1,
        "2025-09-15T09:41:00",
        "2025-09-15T09:41:00",
        False,
        None,
    ),
    (
        "Harbor Coffee - Brand Guidelines v3.pdf",
        "harbor",
        PDF,
        8_650_112,
        3,
        "2025-10-20T16:02:00",
        "2026-02-09T11:17:00",
        True,
        None,
    ),
    (
        "Quinn Books - Proposal.docx",
        "quinn",
        DOCX,
        96 * KiB,
        2,
        "2025-11-03T14:20:00",
        "2025-11-05T10:02:00",
        False,
        None,
    ),
    (
        "Quinn Books - Signed Contract.pdf",
        "quinn",
        PDF,
        1_204_736,
        1,
        "2025-11-12T17:30:00",
        "2025-11-12T17:30:00",
        False,
        None,
    ),
    ("Invoice-2026-001.pdf", "invoices", PDF, 88 * KiB, 1, "2026-01-05T09:00:00", "2026-01-05T09:00:00", False, None),
    ("Invoice-2026-002.pdf", "invoices", PDF, 91 * KiB, 1, "2026-01-19T09:05:00", "2026-01-19T09:05:00", False, None),
    ("Invoice-2026-003.pdf", "invoices", PDF, 87 * KiB, 2, "2026-02-02T09:03:00", "2026-02-03T14:40:00", False, None),
    (
        "Invoice-2026-003-draft.pdf",
        "invoices",
        PDF,
        86 * KiB,
        1,
        "2026-02-02T08:50:00",
        "2026-02-02T08:50:00",
        False,
        "2026-02-03T14:41:00",
    ),
    ("Budget 2026.xlsx", "admin", XLSX, 184 * KiB, 7, "2025-12-10T15:00:00", "2026-02-12T17:25:00", True, None),
    (
        "Freelancer Agreement Template.docx",
        "contracts",
        DOCX,
        58 * KiB,
        4,
        "2019-03-05T11:00:00",
        "2025-06-30T10:10:00",
        False,
        None,
    ),
    (
        "Omar Farouk - Agreement.pdf",
        "contracts",
        PDF,
        640 * KiB,
        1,
        "2025-11-28T16:45:00",
        "2025-11-28T16:45:00",
        False,
        None,
    ),
    ("logo-primary.svg", "logos", SVG, 48 * KiB, 5, "2025-09-22T10:30:00", "2026-02-11T15:55:00", True, None),
    ("logo-secondary.svg", "logos", SVG, 39 * KiB, 3, "2025-09-22T10:42:00", "2026-02-06T12:08:00", False, None),
    (
        "logo-primary.svg",
        "logos",
        SVG,
        52 * KiB,
        2,
        "2025-09-19T09:15:00",
        "2025-09-21T18:00:00",
        False,
        "2026-01-28T09:30:00",
    ),
    ("wordmark-sketches.psd", "logos", PSD, 312 * MiB, 6, "2025-09-19T11:00:00", "2025-10-02T17:45:00", False, None),
    ("cup-mockups.psd", "rebrand", PSD, 486 * MiB, 4, "2025-10-14T13:10:00", "2026-01-30T16:20:00", False, None),
    ("Rebrand Presentation.pdf", "rebrand", PDF, 24 * MiB, 2, "2025-12-04T10:00:00", "2026-01-15T09:35:00", True, None),
    ("color-palette.png", "rebrand", PNG, 1_843_200, 1, "2025-10-01T14:00:00", "2025-10-01T14:00:00", False, None),
    (
        "Larkspur Serif - Specimen.pdf",
        "type",
        PDF,
        3_276_800,
        1,
        "2021-06-11T14:00:00",
        "2021-06-11T14:00:00",
        False,
        None,
    ),
    ("LarkspurSerif-Regular.otf", "type", OTF, 186 * KiB, 3, "2021-06-11T14:05:00", "2023-03-02T11:11:00", False, None),
    ("LarkspurSerif-Bold.otf", "type", OTF, 191 * KiB, 3, "2021-06-11T14:06:00", "2023-03-02T11:12:00", False, None),
    (
        "The Salt Road - Cover v4.psd",
        "covers",
        PSD,
        268 * MiB,
        4,
        "2025-11-10T10:00:00",
        "2026-02-13T18:02:00",
        True,
        None,
    ),
    (
        "The Salt Road - Cover v4.pdf",
        "covers",
        PDF,
        12_582_912,
        1,
        "2026-02-13T18:10:00",
        "2026-02-13T18:10:00",
        False,
        None,
    ),
    (
        "Winter Harbor - Cover.psd",
        "covers",
        PSD,
        231 * MiB,
        2,
        "2025-12-01T09:20:00",
        "2026-01-08T15:00:00",
        False,
        None,
    ),
    (
        "Cover Brief - Quinn Books.docx",
        "covers",
        DOCX,
        73 * KiB,
        1,
        "2025-11-04T09:30:00",
        "2025-11-04T09:30:00",
        False,
        None,
    ),
    (
        "Spring Catalogue - Layout.pdf",
        "catalogue",
        PDF,
        31 * MiB,
        3,
        "2026-01-12T10:30:00",
        "2026-02-12T12:45:00",
        False,
        None,
    ),
    (
        "Spring Catalogue - Photos.zip",
        "catalogue",
        ZIP,
        1_460 * MiB,
        1,
        "2026-01-14T16:00:00",
        "2026-01-14T16:00:00",
        False,
        None,
    ),
    (
        "portfolio-2025.pdf",
        "aisha_personal",
        PDF,
        18 * MiB,
        2,
        "2025-12-20T20:00:00",
        "2026-01-03T10:30:00",
        False,
        None,
    ),
    (
        "old-portfolio-2019.pdf",
        "aisha_personal",
        PDF,
        22 * MiB,
        1,
        "2020-02-20T18:40:00",
        "2020-02-20T18:40:00",
        False,
        "2026-01-05T21:15:00",
    ),
    ("Welcome to Larkspur.md", "admin", MD, 9 * KiB, 2, "2026-01-19T09:05:00", "2026-01-20T10:00:00", False, None),
    ("My onboarding notes.md", "onboarding", MD, 5 * KiB, 3, "2026-01-19T11:20:00", "2026-02-06T17:10:00", False, None),
    (
        "harbor-cafe-interior-01.jpg",
        "retouch",
        JPG,
        7_340_032,
        2,
        "2026-01-26T11:40:00",
        "2026-02-04T15:30:00",
        False,
        None,
    ),
    (
        "harbor-cafe-interior-02.jpg",
        "retouch",
        JPG,
        6_815_744,
        2,
        "2026-01-26T11:41:00",
        "2026-02-04T15:45:00",
        False,
        None,
    ),
    (
        "harbor-cafe-barista.jpg",
        "retouch",
        JPG,
        8_126_464,
        1,
        "2026-01-26T11:42:00",
        "2026-01-26T11:42:00",
        False,
        None,
    ),
    (
        "harbor-cafe-exterior.jpg",
        "retouch",
        JPG,
        5_767_168,
        1,
        "2026-01-26T11:43:00",
        "2026-01-26T11:43:00",
        False,
        "2026-02-14T17:05:00",
    ),
    ("Project Tracker.xlsx", "projects", XLSX, 142 * KiB, 23, "2023-05-08T09:10:00", "2026-02-16T09:20:00", True, None),
    (
        "2026-02-02 Harbor Coffee kickoff.md",
        "notes",
        MD,
        4 * KiB,
        1,
        "2026-02-02T15:00:00",
        "2026-02-02T15:00:00",
        False,
        None,
    ),
    (
        "2026-02-09 Quinn Books review.md",
        "notes",
        MD,
        6 * KiB,
        2,
        "2026-02-09T11:00:00",
        "2026-02-09T16:30:00",
        False,
        None,
    ),
    ("2026-02-13 Studio weekly.md", "notes", MD, 3 * KiB, 1, "2026-02-13T10:00:00", "2026-02-13T10:00:00", False, None),
    (
        "Q1 Delivery Schedule.xlsx",
        "schedules",
        XLSX,
        61 * KiB,
        5,
        "2026-01-05T10:00:00",
        "2026-02-11T09:00:00",
        False,
        None,
    ),
    (
        "Harbor Coffee - Menu Copy.docx",
        "brand_assets",
        DOCX,
        44 * KiB,
        3,
        "2025-09-25T10:00:00",
        "2026-01-22T13:15:00",
        False,
        None,
    ),
    (
        "storefront-photo.jpg",
        "brand_assets",
        JPG,
        4_718_592,
        1,
        "2025-09-20T12:10:00",
        "2025-09-20T12:10:00",
        False,
        None,
    ),
    (
        "The Salt Road - Manuscript.docx",
        "manuscripts",
        DOCX,
        1_048_576,
        12,
        "2024-08-01T19:50:00",
        "2026-01-29T22:40:00",
        True,
        None,
    ),
    (
        "Winter Harbor - Manuscript.docx",
        "manuscripts",
        DOCX,
        917_504,
        8,
        "2024-11-15T08:00:00",
        "2025-12-18T07:30:00",
        False,
        None,
    ),
    (
        "Author Photo - Sara Quinn.jpg",
        "manuscripts",
        JPG,
        3_145_728,
        1,
        "2025-11-20T12:00:00",
        "2025-11-20T12:00:00",
        False,
        None,
    ),
    (
        "harbor-coffee-roastery-raw.mp4",
        "footage",
        MP4,
        6_442_450_944,
        1,
        "2025-12-01T10:30:00",
        "2025-12-01T10:30:00",
        False,
        None,
    ),
    (
        "harbor-coffee-interviews-raw.mp4",
        "footage",
        MP4,
        5_368_709_120,
        1,
        "2025-12-02T09:00:00",
        "2025-12-02T09:00:00",
        False,
        None,
    ),
    (
        "harbor-coffee-brand-film-v2.mp4",
        "edits",
        MP4,
        2_147_483_648,
        2,
        "2026-01-20T18:00:00",
        "2026-02-10T20:15:00",
        True,
        None,
    ),
    (
        "harbor-coffee-brand-film-v1.mp4",
        "edits",
        MP4,
        1_610_612_736,
        1,
        "2026-01-12T17:00:00",
        "2026-01-12T17:00:00",
        False,
        "2026-02-10T20:20:00",
    ),
]

SHARES = [
    # file index, grantee, role, granted at, expires
    (1, "tom", "editor", "2025-10-20T16:10:00", None),
    (1, "jordan_lee", "viewer", "2026-02-09T11:30:00", None),
    (3, "mei", "viewer", "2025-11-12T17:35:00", None),
    (8, "mei", "commenter", "2025-12-10T15:05:00", None),
    (10, "omar_f", "viewer", "2025-11-28T16:50:00", "2026-05-31"),
    (11, "jordan_lee", "commenter", "2026-02-11T16:00:00", "2026-03-31"),
    (12, "jordan_lee", "commenter", "2026-02-11T16:00:00", "2026-03-31"),
    (16, "jordan_lee", "viewer", "2026-01-15T09:40:00", "2026-02-01"),
    (16, "nadia", "editor", "2025-12-04T10:05:00", None),
    (21, "sara_quinn", "commenter", "2026-02-13T18:05:00", None),
    (22, "sara_quinn", "viewer", "2026-02-13T18:15:00", None),
    (25, "mei", "editor", "2026-01-12T10:35:00", None),
    (29, "leo", "editor", "2026-01-19T09:06:00", None),
    (35, "nadia", "editor", "2023-05-08T09:15:00", None),
    (35, "tom", "editor", "2023-05-09T10:00:00", None),
    (35, "aisha", "editor", "2023-05-09T10:01:00", None),
    (42, "aisha", "editor", "2024-11-02T10:00:00", None),
    (42, "nadia", "viewer", "2025-11-03T08:30:00", None),
    (47, "tom", "commenter", "2026-02-10T20:30:00", "2026-02-28"),
    (47, "jordan_lee", "viewer", "2026-02-10T20:31:00", "2026-03-15"),
]


def build() -> tuple[dict[str, list[dict]], list[dict]]:
    users = [
        {"username": u, "display_name": name, "email": email, "plan": plan, "quota_bytes": quota}
        for u, name, email, plan, quota in USERS
    ]
    folder_ids = {h: f"D{1001 + i}" for i, (h, *_) in enumerate(FOLDERS)}
    folder_owner = {h: owner for h, _, _, owner, _ in FOLDERS}
    folders = [
        {
            "id": folder_ids[h],
            "name": name,
            "parent": folder_ids[parent] if parent else None,
            "owner": owner,
            "created": created,
        }
        for h, name, parent, owner, created in FOLDERS
    ]
    files = []
    for i, (name, folder, mime, size, version, created, modified, starred, trashed) in enumerate(FILES):
        assert created <= modified <= "2026-02-16T10:00:00" and not (starred and trashed)
        files.append(
            {
                "id": f"F{1001 + i}",
                "name": name,
                "folder": folder_ids[folder],
                "owner": folder_owner[folder],
                "mime_type": mime,
                "size_bytes": size,
                "version": version,
                "created": created,
                "modified": modified,
                "starred": starred,
                "trashed_at": trashed,
            }
        )
    shares = []
    for i, (fi, grantee, role, at, expires) in enumerate(SHARES):
        f = files[fi]
        assert grantee != f["owner"] and at >= f["created"]
        shares.append(
            {
                "id": f"S{1001 + i}",
                "file": f["id"],
                "grantee": grantee,
                "role": role,
                "granted_by": f["owner"],
                "granted_at": at,
                "expires": expires,
            }
        )

    events: list[tuple[str, str, str, str, str]] = []  # at, file, actor, action, detail
    for f in files:
        events.append((f["created"], f["id"], f["owner"], "created", ""))
        if f["version"] > 1:
            events.append((f["modified"], f["id"], f["owner"], "edited", f"version {f['version']}"))
        if f["trashed_at"]:
            events.append((f["trashed_at"], f["id"], f["owner"], "trashed", ""))
    for s in shares:
        events.append((s["granted_at"], s["file"], s["granted_by"], "shared", s["grantee"]))
    events.sort()
    activity = [
        {"id": f"A{1001 + i}", "file": file, "actor": actor, "action": action, "at": at, "detail": detail or None}
        for i, (at, file, actor, action, detail) in enumerate(events)
    ]
    for f in files:  # the CSV writes every column; defaults are spelled out
        f["starred"] = bool(f["starred"])
    return {"User": users, "Folder": folders, "Share": shares, "Activity": activity}, files


def main() -> None:
    tables, files = build()
    write_yaml(
        SPECS / "productivity" / "filesystem.seed.yaml",
        "filesystem_seed.py",
        {
            "source": "hand-written synthetic data",
            "note": "Larkspur Studio, its clients, people, folders, files, shares and activity are invented; emails "
            "use example domains. Files are in files.csv. The activity log is derived from the files and shares.",
            "generator": "specs/_sources/filesystem_seed.py",
        },
        tables,
    )
    write_csv(
        SPECS / "productivity" / "files.csv",
        [
            "id",
            "name",
            "folder",
            "owner",
            "mime_type",
            "size_bytes",
            "version",
            "created",
            "modified",
            "starred",
            "trashed_at",
        ],
        files,
    )
    print(counts({**tables, "File": files}))


if __name__ == "__main__":
    main()
