"""Seed loading: golden cases, value conversion, located raw reading, the data's hash.

Each folder of `tests/cases/seed/` holds a `spec.envdsl`, the seed files it
names and `expected.txt`: the concise rendering of every diagnostic
(`path:line:col: error[CODE]: message`), or, for a valid seed, its hash and
canonical rows. `pytest --update-goldens` rewrites them; review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from envdsl.check.checker import check
from envdsl.diagnostics.codes import CODES
from envdsl.diagnostics.render import render
from envdsl.diagnostics.span import SourceFile, SourceMap, Span
from envdsl.ir import nodes as ir
from envdsl.ir import types as t
from envdsl.ir.evaluate import evaluate
from envdsl.seed import SeedData, canonical_json, content_hash, load_seed
from envdsl.seed.convert import convert
from envdsl.seed.raw import RawValue, read_csv, read_yaml
from envdsl.syntax.parser import parse

CASES_DIR = Path(__file__).parent / "cases" / "seed"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.is_dir())


def load_case(case: Path, spec: str = "spec.envdsl") -> tuple[ir.Env, SeedData | None, list, SourceMap]:
    text = (case / spec).read_text(encoding="utf-8")
    shown = f"{case.name}/{spec}"
    sources = SourceMap()
    sources.add(shown, text)
    module, diagnostics = parse(text, shown)
    assert not diagnostics, render(diagnostics, sources)
    env, diagnostics = check(module)
    assert env is not None, render(diagnostics, sources)
    seed, diagnostics = load_seed(env, case, sources)
    return env, seed, diagnostics, sources


def case_output(case: Path) -> str:
    env, seed, diagnostics, sources = load_case(case)
    if diagnostics:
        assert seed is None
        return render(diagnostics, sources, "concise")
    assert seed is not None
    rows = json.loads(canonical_json(seed.rows))
    lines = [f"seed hash: {seed.hash}", f"provenance: {json.dumps(dict(seed.provenance), sort_keys=True)}"]
    return "\n".join(lines) + "\n" + json.dumps(rows, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, update_goldens: bool) -> None:
    output = case_output(case)
    expected = case / "expected.txt"
    if update_goldens:
        expected.write_text(output, encoding="utf-8")
        return
    assert expected.exists(), f"run `pytest {__file__} --update-goldens` to create {expected}"
    assert output == expected.read_text(encoding="utf-8")


def test_cases_cover_every_seed_code() -> None:
    seen: set[str] = set()
    for case in CASES:
        expected = case / "expected.txt"
        if expected.exists():
            seen.update(re.findall(r"error\[(E\d{4})\]", expected.read_text(encoding="utf-8")))
    wanted = {code for code in CODES if code.startswith("E04")}
    assert wanted <= seen, f"no golden case for {sorted(wanted - seen)}"


# ------------------------------------------------------------------ value conversion

_ENV_TEXT = """env conv {
  title "Conversion"
  domain test
  enum Size { small, large }
  entity Owner { key id: int }
  entity Tag { key name: str }
  entity Thing { key id: int }
}
"""


def _env(text: str = _ENV_TEXT) -> ir.Env:
    module, diagnostics = parse(text, "conv.envdsl")
    assert not diagnostics
    env, diagnostics = check(module)
    assert env is not None, diagnostics
    return env


ENV = _env()
SIZE = t.EnumT("Size", ("small", "large"))
SPAN = Span("x", 0, 0)


def _raw(kind: str, text: str) -> RawValue:
    return RawValue(kind, text, SPAN)


@pytest.mark.parametrize(
    "kind, text, type_, expected",
    [
        ("str", "hello", t.STR, "hello"),
        ("text", " spaced ", t.STR, " spaced "),  # CSV text is kept as written
        ("int", "42", t.INT, 42),
        ("int", "-0x1F", t.INT, -31),
        ("int", "0o17", t.INT, 15),
        ("int", "010", t.INT, 10),  # YAML 1.2: decimal
        ("float", "3.0", t.INT, 3),
        ("float", "1e3", t.INT, 1000),
        ("text", " 7 ", t.INT, 7),
        ("text", "-12", t.INT, -12),
        ("int", str(2**63 - 1), t.INT, 2**63 - 1),
        ("int", "2", t.FLOAT, 2.0),
        ("float", "0.1", t.FLOAT, 0.1),
        ("text", "2.5e1", t.FLOAT, 25.0),
        ("bool", "true", t.BOOL, True),
        ("bool", "False", t.BOOL, False),
        ("text", "TRUE", t.BOOL, True),
        ("int", "12", t.MONEY, Decimal("12.00")),
        ("float", "12.5", t.MONEY, Decimal("12.50")),
        ("float", "0.10", t.MONEY, Decimal("0.10")),
        ("float", "-0.00", t.MONEY, Decimal("0.00")),
        ("float", "12345678901234567.89", t.MONEY, Decimal("12345678901234567.89")),  # exact: never a float
        ("text", "19.99", t.MONEY, Decimal("19.99")),
        ("timestamp", "2026-03-01", t.DATE, dt.date(2026, 3, 1)),
        ("str", "2026-03-01", t.DATE, dt.date(2026, 3, 1)),
        ("timestamp", "2026-03-01T09:05:00", t.DATETIME, dt.datetime(2026, 3, 1, 9, 5)),
        ("text", "2024-02-29T23:59:59", t.DATETIME, dt.datetime(2024, 2, 29, 23, 59, 59)),
        ("str", "large", SIZE, "large"),
        ("text", "small", SIZE, "small"),
        ("int", "7", t.EntityT("Owner"), 7),
        ("str", "red", t.EntityT("Tag"), "red"),
        ("null", "", t.OptionalT(t.INT), None),
        ("null", "~", t.OptionalT(SIZE), None),
    ],
)
def test_convert_accepts(kind: str, text: str, type_: t.Type, expected: Any) -> None:
    value, reason = convert(_raw(kind, text), type_, ENV)
    assert reason is None
    assert type(value) is type(expected) and value == expected and str(value) == str(expected)


@pytest.mark.parametrize(
    "kind, text, type_, reason",
    [
        ("int", "100", t.STR, 'found the number `100`; write "100" (quoted) for text'),
        ("bool", "true", t.STR, "found the boolean `true`"),
        ("timestamp", "2026-03-01", t.STR, "found the date `2026-03-01`"),
        ("null", "", t.STR, "found null"),
        ("bool", "true", t.INT, "found the boolean `true`"),
        ("float", "1.5", t.INT, "found `1.5`, which has a fraction"),
        ("str", "12", t.INT, "found the text `12`; write the number without quotes"),
        ("text", "12a", t.INT, "found `12a`"),
        ("int", str(2**63), t.INT, "out of the 64-bit range"),
        ("float", ".nan", t.FLOAT, "not a finite number"),
        ("float", "-.inf", t.MONEY, "not a finite number"),
        ("text", "inf", t.FLOAT, "found `inf`"),
        ("text", "nan", t.MONEY, "write an amount like `12.50`"),
        ("str", "yes", t.BOOL, "found the text `yes`; write `true` or `false`"),
        ("text", "1", t.BOOL, "write `true` or `false`"),
        ("float", "0.125", t.MONEY, "more than two decimal places"),
        ("text", "$5", t.MONEY, "write an amount like `12.50`"),
        ("float", "1e30", t.MONEY, "too large"),
        ("int", "92233720368547759", t.MONEY, "too large"),  # cents would overflow 64 bits
        ("str", "2026-02-29", t.DATE, "`2026-02-29` is not a valid date"),
        ("str", "2026-03-01T00:00:00", t.DATE, "is not a date like `2026-03-01`"),
        ("int", "20260301", t.DATE, "write a date like `2026-03-01`"),
        ("timestamp", "2026-03-01", t.DATETIME, "is not a datetime like"),
        ("str", "2026-03-01T24:00:00", t.DATETIME, "is not a valid datetime"),
        ("str", "Small", SIZE, "`Small` is not one of `small`, `large`; did you mean `small`?"),
        ("bool", "true", SIZE, "is not one of"),
        ("str", "7", t.EntityT("Owner"), "(`Owner` rows are named by their `int` key)"),
        ("sequence", "", t.STR, "found a list"),
        ("mapping", "", t.INT, "found a mapping"),
    ],
)
def test_convert_rejects(kind: str, text: str, type_: t.Type, reason: str) -> None:
    value, found = convert(_raw(kind, text), type_, ENV)
    assert value is None and found is not None
    assert reason in found


# ------------------------------------------------------------------ located reading


def _at(source: SourceFile, span: Span) -> tuple[int, int, str]:
    line, col = source.line_col(span.start)
    return line, col, source.text[span.start : span.end]


def test_yaml_values_keep_their_text_and_place() -> None:
    source = SourceFile("s.yaml", "Thing:\n  - id: 1\n    price: 12.50\n    note:\n  - {id: 2, note: 'x'}\n")
    result = read_yaml(source)
    assert not result.diagnostics and result.seed is not None
    (table,) = result.seed.tables
    assert table.entity == "Thing" and _at(source, table.name_span) == (1, 1, "Thing")
    first, second = table.rows
    assert _at(source, first.span) == (2, 5, "id: 1")  # a row is shown by its first line
    price = first.fields[1]
    assert (price.value.kind, price.value.text) == ("float", "12.50")
    assert _at(source, price.value.span) == (3, 12, "12.50")
    note = first.fields[2]
    assert note.value.kind == "null" and _at(source, note.value.span) == (4, 5, "note")  # empty: points at the key
    assert _at(source, second.fields[1].value.span) == (5, 19, "'x'")
    assert second.fields[1].value.kind == "str"


def test_yaml_merge_keys_and_aliases() -> None:
    text = "Thing:\n  - &base {id: 1, size: small}\n  - <<: *base\n    id: 2\n"
    result = read_yaml(SourceFile("s.yaml", text))
    assert not result.diagnostics and result.seed is not None
    rows = result.seed.tables[0].rows
    assert [(f.name, f.value.text) for f in rows[1].fields] == [("id", "2"), ("size", "small")]


def test_yaml_empty_file_is_an_empty_seed() -> None:
    result = read_yaml(SourceFile("s.yaml", "# nothing yet\n"))
    assert result.seed is not None and not result.seed.tables and not result.diagnostics


def test_yaml_several_documents_are_a_syntax_error() -> None:
    result = read_yaml(SourceFile("s.yaml", "Thing: []\n---\nThing: []\n"))
    assert result.seed is None
    assert [d.code for d in result.diagnostics] == ["E0402"]


def test_csv_cells_are_located_with_quotes_and_crlf() -> None:
    source = SourceFile("s.csv", 'id,name,note\r\n1,"Smith, Ann",x\r\n\r\n2,Bob,\r\n')
    result = read_csv(source, "Thing", SPAN)
    assert not result.diagnostics and result.seed is not None
    (table,) = result.seed.tables
    assert [c.name for c in table.header or ()] == ["id", "name", "note"]
    first, second = table.rows  # the blank line is skipped
    assert _at(source, first.fields[1].value.span) == (2, 3, '"Smith, Ann"')
    assert first.fields[1].value.text == "Smith, Ann"
    assert _at(source, first.fields[2].value.span) == (2, 16, "x")
    assert _at(source, second.span) == (4, 1, "2,Bob,")
    assert second.fields[2].value.kind == "null"


@pytest.mark.parametrize(
    "text, code, message",
    [
        ("", "E0403", "has no header row"),
        ("id,,name\n", "E0403", "has no name"),
        ("id,id\n", "E0403", "column `id` is given twice"),
        ('id\n"1\n', "E0402", "unexpected end of data"),
    ],
)
def test_csv_problems(text: str, code: str, message: str) -> None:
    result = read_csv(SourceFile("s.csv", text), "Thing", SPAN)
    assert [d.code for d in result.diagnostics] == [code]
    assert message in result.diagnostics[0].message


# ------------------------------------------------------------------ loading


SPEC = """env s {
  title "S"
  domain test
  clock "2026-03-01T09:00:00"
SEEDS
  entity Thing {
    key id: int
    name: str = "unnamed"
    price: money = 1.50
  }
}
"""


def _load(tmp_path: Path, seeds: str, files: dict[str, str | bytes]) -> tuple[ir.Env, SeedData | None, list, SourceMap]:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    text = SPEC.replace("SEEDS", seeds)
    sources = SourceMap()
    sources.add("specs/s.envdsl", text)
    module, _ = parse(text, "specs/s.envdsl")
    env, diagnostics = check(module)
    assert env is not None, diagnostics
    seed, diagnostics = load_seed(env, tmp_path, sources)
    return env, seed, diagnostics, sources


def test_no_seeds_is_an_empty_state(tmp_path: Path) -> None:
    _, seed, diagnostics, _ = _load(tmp_path, "", {})
    assert not diagnostics and seed is not None
    assert dict(seed.rows) == {"Thing": ()}
    assert seed.hash == content_hash({"Thing": ()})


def test_paths_in_diagnostics_are_beside_the_spec(tmp_path: Path) -> None:
    _, _, diagnostics, sources = _load(tmp_path, '  seed "data/t.yaml"', {"data/t.yaml": "Thing:\n  - {id: x}\n"})
    assert render(diagnostics, sources, "concise") == (
        "specs/data/t.yaml:2:10: error[E0407]: `Thing.id` expects `int`: found the text `x`\n"
    )


def test_the_hash_ignores_row_order_and_file_layout(tmp_path: Path) -> None:
    _, one, _, _ = _load(tmp_path / "a", '  seed "t.yaml"', {"t.yaml": "Thing:\n  - {id: 2, name: b}\n  - {id: 1}\n"})
    _, two, _, _ = _load(
        tmp_path / "b",
        '  seed "t.csv" as Thing\n  seed "u.yaml"',
        {"t.csv": "id,name,price\n1,,1.5\n", "u.yaml": "Thing:\n  - {id: 2, name: b, price: 1.50}\n"},
    )
    assert one is not None and two is not None
    assert one.hash == two.hash
    assert [row["id"] for row in one.rows["Thing"]] == [1, 2]
    assert one.rows["Thing"][0]["name"] == "unnamed"  # the default


def test_canonical_json_is_exact() -> None:
    rows = {
        "B": (
            {
                "when": dt.datetime(2026, 3, 1, 9, 0),
                "day": dt.date(2026, 3, 1),
                "m": Decimal("3.00"),
                "f": 2.0,
                "n": None,
            },
        ),
        "A": ({"s": 'é"', "b": True, "i": 3},),
    }
    assert canonical_json(rows) == (
        '{"A":[{"b":true,"i":3,"s":"é\\""}],'
        '"B":[{"day":"2026-03-01","f":2.0,"m":"3.00","n":null,"when":"2026-03-01T09:00:00"}]}'
    )


def test_seed_data_is_read_only_and_evaluates(tmp_path: Path) -> None:
    env, seed, _, _ = _load(
        tmp_path, '  seed "t.yaml"', {"t.yaml": "provenance: {by: me}\nThing:\n  - {id: 1, price: 2}\n"}
    )
    assert seed is not None
    with pytest.raises(TypeError):
        seed.rows["Thing"][0]["price"] = Decimal(0)  # type: ignore[index]
    with pytest.raises(AttributeError):
        seed.hash = "x"  # type: ignore[misc]
    assert dict(seed.provenance) == {"specs/t.yaml": {"by": "me"}}
    price = ir.Attr(ir.Var("t", "local", t.EntityT("Thing"), SPAN), "Thing", "price", t.MONEY, SPAN)
    assert evaluate(price, {"t": 1}, seed.state(env), env) == Decimal("2.00")


@pytest.mark.parametrize(
    "seeds, files, expected",
    [
        ('  seed "t.csv"', {"t.csv": "id\n1\n"}, "E0117 a CSV seed must name its entity"),
        ('  seed "t.yaml" as Thing', {"t.yaml": "Thing: []\n"}, "E0117 a YAML seed names its entities inside the file"),
        (
            '  seed "t.yaml"',
            {"t.yaml": b"Thing:\n  - {id: 1, name: \xff}\n"},
            "E0402 seed file is not valid: `specs/t.yaml` is not UTF-8 text (byte 25)",
        ),
        ('  seed "dir"', {"dir/x": ""}, "E0005 cannot read `specs/dir`"),
    ],
)
def test_files_that_cannot_be_used(tmp_path: Path, seeds: str, files: dict, expected: str) -> None:
    _, seed, diagnostics, _ = _load(tmp_path, seeds, files)
    assert seed is None
    assert [f"{d.code} {d.message}"[: len(expected)] for d in diagnostics] == [expected]


def test_a_bom_is_not_data(tmp_path: Path) -> None:
    _, seed, diagnostics, _ = _load(tmp_path, '  seed "t.csv" as Thing', {"t.csv": "\ufeffid,name\n1,a\n"})
    assert not diagnostics and seed is not None and seed.rows["Thing"][0]["name"] == "a"
