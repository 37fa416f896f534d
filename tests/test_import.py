"""`envdsl import csv|json`: drafts from tables check, compile and verify; inference and bad input.

The real data sets are the ones shipped in registry packages of the
`corpus` extra: airportsdata's airports.csv (a slice of it) and pycountry's
ISO 3166-1 JSON.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from envdsl.cli import main


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_real_tables_check_compile_and_verify(tmp_path: Path) -> None:
    airportsdata = pytest.importorskip("airportsdata")
    pycountry = pytest.importorskip("pycountry")
    with open(os.path.join(os.path.dirname(airportsdata.__file__), "airports.csv"), encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["iata"] and r["country"] in ("NL", "BE", "LU")][:25]
    assert len(rows) >= 10
    with (tmp_path / "airports.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    countries = json.loads(
        Path(pycountry.__file__).with_name("databases").joinpath("iso3166-1.json").read_text(encoding="utf-8")
    )
    chosen = [c for c in countries["3166-1"] if c["alpha_2"] in ("NL", "BE", "LU", "DE")]
    (tmp_path / "countries.json").write_text(json.dumps({"countries": chosen}), encoding="utf-8")

    out = tmp_path / "out"
    code, text = cli(
        "import",
        "csv",
        str(tmp_path / "airports.csv"),
        str(tmp_path / "countries.json"),
        "--name",
        "airports",
        "--domain",
        "travel",
        "--out",
        str(out),
    )
    assert code == 0, text
    spec = (out / "airports.envdsl").read_text(encoding="utf-8")
    assert "key icao: str" in spec and "country: Country" in spec and "elevation: int" in spec and "lat: float" in spec
    assert "key alpha_2: str" in spec and "numeric: str" in spec  # "056" has a leading zero: a code, not a number
    seed = (out / "airports.seed.yaml").read_text(encoding="utf-8")
    assert "provenance:" in seed and "airports.csv sha256:" in seed
    assert cli("check", str(out / "airports.envdsl"))[0] == 0
    code, text = cli("compile", str(out / "airports.envdsl"), "--out", str(tmp_path / "compiled"))
    assert code == 0, text
    code, text = cli("verify", str(out / "airports.envdsl"), "--examples", "15")
    assert code == 0, text


def test_inference_and_decisions(tmp_path: Path) -> None:
    (tmp_path / "authors.csv").write_text(
        "id,name,born,active\nA1,Jane Austen,1775-12-16,false\nA2,Ursula Le Guin,1929-10-21,TRUE\n", encoding="utf-8"
    )
    (tmp_path / "books.csv").write_text(
        "\ufefftitle,author_id,price,weight,added,class\n"
        "Emma,A1,9.99,0.5,2026-01-02 10:00,x\nEmma,A2,12.50,1,2026-01-03T11:30:15,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, text = cli(
        "import",
        "csv",
        str(tmp_path / "authors.csv"),
        str(tmp_path / "books.csv"),
        "--name",
        "shop",
        "--domain",
        "commerce",
        "--out",
        str(out),
    )
    assert code == 0, text
    spec = (out / "shop.envdsl").read_text(encoding="utf-8")
    for line in (
        "key id: str",
        "born: date",
        "active: bool",
        'key id: str = next_id("BOO")',
        "author_id: Author",
        "price: money",
        "weight: float",
        "added: datetime",
        "class_: str?",
    ):
        assert line in spec, line
    assert "decide: Book (books.csv): no column is unique" in text
    seed = (out / "shop.seed.yaml").read_text(encoding="utf-8")
    assert "active: true" in seed and "price: 12.50" in seed and 'added: "2026-01-02T10:00:00"' in seed
    code, text = cli(
        "import", "csv", str(tmp_path / "authors.csv"), "--name", "shop", "--domain", "commerce", "--out", str(out)
    )
    assert code == 1 and "exists; pass --force" in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ragged.csv", "a,b\n1,2\n3\n", "ragged.csv:3: 1 cells, but the header has 2"),
        ("empty.csv", "", "empty file"),
        ("broken.json", '[{"a": 1},', "broken.json:1:11: not valid JSON"),
        ("shape.json", '{"t": 3}', "expected an array of objects"),
        ("norows.json", "[]", "no rows, so no column types can be inferred"),
    ],
)
def test_bad_input_is_one_located_line(tmp_path: Path, name: str, content: str, message: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    code, text = cli(
        "import",
        "json" if name.endswith("json") else "csv",
        str(tmp_path / name),
        "--name",
        "x",
        "--domain",
        "d",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 1 and message in text and text.startswith("error: ")
