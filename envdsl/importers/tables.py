"""Draft a spec and its seed from tables (CSV files, JSON arrays of objects): deterministic, no model.

Rule: each table becomes an entity; a column's type is the narrowest that
every non-empty value fits, tried in this order: bool (`true`/`false`), int
(no leading zeros, 64-bit), money (every value has exactly two decimals),
float, datetime, date, else str; a column with an empty value is optional.
The key is a unique, always-filled int or str column, preferring `id`,
`<entity>_id`, `code`, `key`; without one a generated `next_id` key is added
and a note says so. A column is a reference when every value is a key of
one table and its name points there (`author`, `author_id`) or, for text
keys, no other table fits; an ambiguous one stays a plain value with a
note. Every such choice the user should review is a `Decision`. The seed
records its provenance (files and their SHA-256), and values are written
from their original digits, never through a float.
"""

from __future__ import annotations

import csv
import hashlib
import json
import keyword
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

RESERVED = set(keyword.kwlist) | set(keyword.softkwlist) | {
    "self", "cls", "str", "int", "float", "bool", "money", "date", "datetime", "list", "enum", "key", "none", "true", "false",
}  # fmt: skip
INT = re.compile(r"^-?(0|[1-9][0-9]*)$")
MONEY = re.compile(r"^-?(0|[1-9][0-9]*)\.[0-9]{2}$")
FLOAT = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")  # leading zeros: a code, kept as text
DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KEY_NAMES = ("id", "{entity}_id", "code", "key", "uuid")


class ImportError_(Exception):  # noqa: N801 - not the builtin
    """Input that cannot be imported; one line for the user."""


@dataclass
class Table:
    entity: str
    source: str
    columns: list[str]  # original column names
    rows: list[dict[str, str]]  # column -> text ("" for empty)


@dataclass
class Column:
    name: str  # the field name
    original: str
    type: str  # str, int, money, float, bool, date, datetime, or an entity name
    optional: bool
    reference: str | None = None


@dataclass
class Entity:
    table: Table
    columns: list[Column]
    key: Column
    generated_key: bool = False


@dataclass
class Draft:
    spec: str
    seed: str
    decisions: list[str] = field(default_factory=list)


def camel(name: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    text = "".join(w[:1].upper() + w[1:] for w in words) or "Table"
    text = _singular(text)
    return text if text[0].isalpha() else "T" + text


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def snake(name: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "field"
    if text[0].isdigit():
        text = "f_" + text
    return text + "_" if text in RESERVED else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def load_csv(path: Path) -> list[Table]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportError_(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    if not rows or not any(rows[0]):
        raise ImportError_(f"{path}: empty file (a header row is needed)")
    header = [h.strip() for h in rows[0]]
    if len(set(header)) != len(header) or "" in header:
        raise ImportError_(f"{path}:1: the header row has an empty or repeated column name")
    table_rows = []
    for number, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ImportError_(f"{path}:{number}: {len(row)} cells, but the header has {len(header)}")
        table_rows.append({h: cell.strip() for h, cell in zip(header, row)})
    return [Table(camel(path.stem), path.name, header, table_rows)]


def load_json(path: Path) -> list[Table]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise ImportError_(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    except json.JSONDecodeError as error:
        raise ImportError_(f"{path}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}") from None
    groups = {path.stem: data} if isinstance(data, list) else data if isinstance(data, dict) else None
    if not groups or not all(isinstance(v, list) for v in groups.values()):
        raise ImportError_(
            f"{path}: expected an array of objects, or an object mapping table names to arrays of objects"
        )
    tables = []
    for name, items in groups.items():
        if not all(isinstance(item, dict) for item in items):
            raise ImportError_(f"{path}: table {name!r} holds something other than objects")
        columns: list[str] = []
        for item in items:
            columns += [k for k in item if k not in columns]
        rows = [{c: _text(item.get(c)) for c in columns} for item in items]
        tables.append(Table(camel(name), f"{path.name}#{name}" if isinstance(data, dict) else path.name, columns, rows))
    return tables


def infer_type(values: list[str]) -> str:
    filled = [v for v in values if v != ""]
    if not filled:
        return "str"
    if all(v.lower() in ("true", "false") for v in filled):
        return "bool"
    if all(INT.match(v) and -(2**63) <= int(v) < 2**63 for v in filled):
        return "int"
    if all(MONEY.match(v) for v in filled):
        return "money"
    if all(FLOAT.match(v) for v in filled):
        return "float"
    if all(DATETIME.match(v) and _valid_datetime(v) for v in filled):
        return "datetime"
    if all(DATE.match(v) and _valid_date(v) for v in filled):
        return "date"
    return "str"


def _valid_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
        return True
    except ValueError:
        return False


def _valid_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(_datetime(value))
        return True
    except ValueError:
        return False


def _datetime(value: str) -> str:
    match = DATETIME.match(value)
    assert match is not None
    return f"{match.group(1)}T{match.group(2)}{match.group(3) or ':00'}"


def _entities(tables: list[Table], decisions: list[str]) -> list[Entity]:
    names = [t.entity for t in tables]
    for name in {n for n in names if names.count(n) > 1}:
        raise ImportError_(f"two tables both become entity {name}; rename one of the files")
    entities = []
    for table in tables:
        if not table.rows:
            raise ImportError_(f"{table.source}: no rows, so no column types can be inferred")
        used: set[str] = set()
        columns = []
        for original in table.columns:
            name = snake(original)
            while name in used:
                name += "_2"
            used.add(name)
            values = [row[original] for row in table.rows]
            columns.append(Column(name, original, infer_type(values), any(v == "" for v in values)))
        key = _key(table, columns)
        generated = key is None
        if key is None:
            key_name = "id" if "id" not in used else "row_id"
            key = Column(key_name, "", "str", False)
            columns.insert(0, key)
            decisions.append(
                f"{table.entity} ({table.source}): no column is unique and always filled, so a generated key "
                f"`{key_name}` was added; name a real key column if the data has one"
            )
        entities.append(Entity(table, columns, key, generated))
    return entities


def _key(table: Table, columns: list[Column]) -> Column | None:
    def usable(column: Column) -> bool:
        values = [row[column.original] for row in table.rows]
        return column.type in ("int", "str") and "" not in values and len(set(values)) == len(values)

    candidates = [c for c in columns if usable(c)]
    preferred = [n.format(entity=snake(table.entity)) for n in KEY_NAMES]
    for name in preferred:
        for column in candidates:
            if column.name == name:
                return column
    # Otherwise only the first column: a later unique column (a name, a reference) is rarely meant as the key.
    return candidates[0] if candidates and candidates[0] is columns[0] else None


def _references(entities: list[Entity], decisions: list[str]) -> None:
    keys = {e.table.entity: {row[e.key.original] for row in e.table.rows} for e in entities if not e.generated_key}
    by_name = {e.table.entity: e for e in entities}
    for entity in entities:
        for column in entity.columns:
            if column is entity.key or column.type not in ("int", "str"):
                continue
            values = {row[column.original] for row in entity.table.rows} - {""}
            if not values:
                continue
            fits = [
                name
                for name, key_values in keys.items()
                if values <= key_values and by_name[name].key.type == column.type
            ]
            if not fits:
                continue
            stem = re.sub(r"_?id$", "", column.name) or column.name
            named = [
                n
                for n in fits
                if stem in (snake(n), snake(n) + "s") or column.name == by_name[n].key.name and n != entity.table.entity
            ]
            if len(named) == 1:
                chosen = named[0]
            elif len(fits) == 1 and column.type == "str" and not named and len(values) >= 2:
                chosen = fits[0]
            else:
                if len(fits) > 1 or column.type == "str":
                    decisions.append(
                        f"{entity.table.entity}.{column.name}: its values are keys of {' and '.join(fits)}; "
                        "it was kept as a plain value — make it a reference if it is one"
                    )
                continue
            column.reference = chosen
            column.type = chosen


def _scalar(column: Column, text: str, key_types: dict[str, str]) -> str:
    kind = key_types.get(column.type, column.type) if column.reference else column.type
    if kind == "bool":
        return text.lower()
    if kind in ("int", "money", "float"):
        return text
    if kind == "datetime":
        return json.dumps(_datetime(text))
    return json.dumps(text, ensure_ascii=False)


def draft(tables: list[Table], env_name: str, domain: str, files: list[Path], command: str) -> Draft:
    for label, value in (("--name", env_name), ("--domain", domain)):
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", value) or value in RESERVED:
            raise ImportError_(f"{label} {value!r} must be a name: a letter, then letters, digits or _ (not a keyword)")
    decisions: list[str] = []
    entities = _entities(tables, decisions)
    _references(entities, decisions)
    key_types = {e.table.entity: e.key.type for e in entities}
    sources = ", ".join(sorted({t.source for t in tables}))
    lines = [
        f"// Drafted by `{command}` from {sources}; review the types, keys and references.",
        f"env {env_name} {{",
        f'  title "{env_name.replace("_", " ").capitalize()} (imported)"',
        f"  domain {domain}",
        f'  description "Imported from {sources}."',
        f'  seed "{env_name}.seed.yaml"',
    ]
    for entity in entities:
        lines.append("")
        lines.append(f"  entity {entity.table.entity} {{")
        for column in entity.columns:
            if column is entity.key:
                default = f' = next_id("{entity.table.entity[:3].upper()}")' if entity.generated_key else ""
                lines.append(f"    key {column.name}: {column.type}{default}")
            else:
                note = f' "Column {column.original}"' if column.original != column.name else ""
                lines.append(f"    {column.name}: {column.type}{'?' if column.optional else ''}{note}")
        lines.append("  }")
    for entity in entities:
        noun = snake(entity.table.entity)
        param = noun if noun not in RESERVED else noun + "_"
        words = noun.replace("_", " ")
        lines += [
            "",
            f'  tool get_{noun}({param}: {entity.table.entity}) -> {entity.table.entity} "Look up one {words} by its {entity.key.name}." {{',
            f"    return {param}",
            "  }",
            "",
            f'  tool list_{noun}s(max_rows: int "How many rows at most, e.g. 20") -> list<{entity.table.entity}>',
            f'    "List {words} rows in key order." {{',
            f"    return find row in {entity.table.entity} limit max_rows",
            "  }",
        ]
    lines.append("}")
    spec = "\n".join(lines) + "\n"

    digests = [f"{p.name} sha256:{hashlib.sha256(p.read_bytes()).hexdigest()[:16]}" for p in files]
    seed_lines = [
        "provenance:",
        f"  source: {json.dumps('imported by ' + command, ensure_ascii=False)}",
        f"  files: {json.dumps(digests, ensure_ascii=False)}",
        '  note: "Record the licence of the source data here."',
    ]
    for entity in entities:
        seed_lines.append(f"{entity.table.entity}:")
        for row in entity.table.rows:
            cells = []
            for column in entity.columns:
                if column is entity.key and entity.generated_key:
                    continue
                text = row[column.original]
                if text == "":
                    continue
                cells.append(f"{column.name}: {_scalar(column, text, key_types)}")
            seed_lines.append("  - {" + ", ".join(cells) + "}")
    return Draft(spec, "\n".join(seed_lines) + "\n", decisions)
