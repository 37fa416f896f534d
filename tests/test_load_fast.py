"""The two load-time shortcuts give exactly what the slow paths give.

- Seed YAML: `read_yaml_fast` (libyaml + ruamel's YAML 1.2 rules) returns the
  same raw rows as the exact `read_yaml` (ruamel's round-trip composer) —
  kinds, texts and spans — on every YAML file in the repository and on
  scalars where YAML 1.1 and 1.2 differ; it declines what it cannot vouch for;
  and `load_seed` gives the same data and byte-identical diagnostics with the
  fast reader on or off.
- Grammar: a parser loaded from the on-disk cache parses every spec to the
  same module and diagnostics as one built from the grammar text; a torn,
  foreign or unwritable cache falls back to building, silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import lark
import pytest

import envdsl.seed.load as seed_load
import envdsl.syntax.parser as parser
from envdsl.check.checker import check
from envdsl.diagnostics.render import render
from envdsl.diagnostics.span import SourceFile, SourceMap
from envdsl.seed.data import canonical_json
from envdsl.seed.raw import read_yaml, read_yaml_fast

ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(p for d in ("specs", "tests") for ext in ("yaml", "yml") for p in (ROOT / d).rglob(f"*.{ext}"))
SEED_CASES = sorted(p for p in (ROOT / "tests" / "cases" / "seed").iterdir() if (p / "spec.envdsl").is_file())

# Scalars whose meaning differs between YAML 1.1 (PyYAML's own rules) and 1.2, or that must keep their text exactly.
TRICKY_SCALARS = [
    "yes", "no", "on", "off", "Yes", "NO", "y", "n", "true", "False", "TRUE", "null", "Null", "~", "",
    "010", "0o10", "0x1F", "0b101", "1_000", "+12", "-0", "12.50", "12.5", "1e3", "1.5e-3", "-.5", ".5",
    ".inf", "-.Inf", ".nan", "1:30", "190:20:30", "2026-03-01", "2026-03-01T09:00:00", "2026-3-1 9:00:00",
    "2026-03-01 09:00:00.5 +01:00", "12.50.1", "0.1.2", "=", "<<", "'12.50'", '"yes"', "!!str 12", "!!int 12",
    "! 12", "!custom x", '"\\u00e9t\\u00e9"', "'it''s'", "café ☕", "a # not a comment", "a#b",
]  # fmt: skip


def assert_same(text: str, *, may_decline: bool = False) -> None:
    """Whatever the fast reader returns equals the exact reader's result; declining is safe (the exact one decides)."""
    source = SourceFile("seed.yaml", text)
    fast = read_yaml_fast(source)
    if fast is None and may_decline:
        return
    assert fast is not None, "the fast reader declined a well-formed seed"
    assert fast == read_yaml(source)


@pytest.mark.parametrize("path", YAML_FILES, ids=[str(p.relative_to(ROOT)) for p in YAML_FILES])
def test_fast_reader_matches_exact_on_every_yaml_file(path: Path) -> None:
    source = SourceFile(str(path), path.read_bytes().decode("utf-8-sig"))
    fast = read_yaml_fast(source)
    exact = read_yaml(source)
    if fast is None:  # declined: only files the exact reader cannot read either
        assert exact.seed is None
    else:
        assert fast == exact


def test_there_are_yaml_files_to_compare() -> None:
    assert len(YAML_FILES) >= 20


@pytest.mark.parametrize("scalar", TRICKY_SCALARS)
def test_fast_reader_resolves_scalars_as_yaml_1_2(scalar: str) -> None:
    assert_same(f"Thing:\n  - value: {scalar}\n    other: x\n")
    assert_same(f"Thing:\n  - {{value: {scalar}, other: [{scalar}]}}\n", may_decline=True)  # `#` in flow: invalid


def test_folded_scalar_text_has_no_fold_marks() -> None:
    result = read_yaml(SourceFile("s.yaml", "T:\n  - a: >-\n      folded\n      text\n"))
    assert result.seed is not None
    assert result.seed.tables[0].rows[0].fields[0].value.text == "folded text"


def test_yaml_1_2_kinds_not_1_1() -> None:
    result = read_yaml_fast(SourceFile("s.yaml", "T:\n  - a: yes\n    b: 010\n    c: 1:30\n    d: 12.50\n"))
    assert result is not None and result.seed is not None
    values = {f.name: (f.value.kind, f.value.text) for f in result.seed.tables[0].rows[0].fields}
    assert values == {"a": ("str", "yes"), "b": ("int", "010"), "c": ("str", "1:30"), "d": ("float", "12.50")}


@pytest.mark.parametrize(
    "text",
    [
        "T:\r\n  - a: 1\r\n    b: two\r\n",  # CRLF line ends
        "T:\n  - &base {a: 1, b: 2}\n  - <<: *base\n    b: 3\n  - <<: [*base, {c: 4}]\n",
        "T:\n  - a: |\n      two\n      lines\n    b: >-\n      folded\n      text\n",
        "T:\n  - a: 1\n    a: 2\n",  # a duplicate field: reported by the reader
        "T: 3\n",
        "- 1\n- 2\n",
        "provenance:\n  source: x\n  n: 0x10\n  ok: true\nT: []\n",
        "# only a comment\n",
        "T:\n  - a: 1\n...\n",
        "T:\n  - 'a': 1\n    ? b\n    : 2\n",
        "\u00e9\u00e9:\n  - \U0001f600: \U0001f600 x\n",
        "provenance:\n  note: >\n    folded\n    notes\nT:\n  - a: >+\n      kept\n\n      folds\n\n",
    ],
)
def test_fast_reader_matches_exact_on_shapes(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "%YAML 1.1\n---\nT:\n  - a: yes\n",  # a directive can change the rules: left to ruamel
        "T:\n  - a: [1, 2\n",  # a syntax error: the exact reader explains it
        "T: []\n---\nT: []\n",  # two documents
        "T:\n  - a: *nowhere\n",
        "T:\n\t\n  - a: 1\n",
    ],
)
def test_fast_reader_declines(text: str) -> None:
    # libyaml rejects a line of only a tab where ruamel does not: declining leaves it to the exact reader.
    assert read_yaml_fast(SourceFile("s.yaml", text)) is None


def _load_case(case: Path) -> str:
    text = (case / "spec.envdsl").read_text(encoding="utf-8")
    sources = SourceMap()
    sources.add(f"{case.name}/spec.envdsl", text)
    module, _ = parser.parse(text, f"{case.name}/spec.envdsl")
    env, _ = check(module)
    assert env is not None
    seed, diagnostics = seed_load.load_seed(env, case, sources)
    if seed is None:
        return render(diagnostics, sources, "full")
    return canonical_json(seed.rows) + repr(dict(seed.provenance)) + seed.hash


@pytest.mark.parametrize("case", SEED_CASES, ids=[c.name for c in SEED_CASES])
def test_load_seed_same_with_fast_reader_on_or_off(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _load_case(case)
    monkeypatch.setattr(seed_load, "FAST_YAML", False)
    assert fast == _load_case(case)


# ------------------------------------------------------------------ grammar cache


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setattr(parser, "_cache_dirs", lambda: [folder])
    return folder


def _shape(node: object) -> object:
    """A parse tree as plain data. (A freshly built parser names some rules with a
    `Token('RULE', name)`, a loaded one with the plain string: equal, but repr differs.)"""
    if isinstance(node, lark.Tree):
        return (str(node.data), [_shape(child) for child in node.children])
    if isinstance(node, lark.Token):
        return (node.type, str(node), node.start_pos, node.end_pos, node.line, node.column)
    return node


def _parse_all(g: lark.Lark) -> list[str]:
    out = []
    for path in sorted((ROOT / "specs").rglob("*.envdsl"))[:8] + sorted((ROOT / "tests").rglob("*.envdsl"))[:40]:
        try:
            out.append(repr(_shape(g.parse(path.read_text(encoding="utf-8", errors="replace"), start="start"))))
        except lark.exceptions.UnexpectedInput as error:
            out.append(f"{type(error).__name__} {getattr(error, 'expected', '')} {error.pos_in_stream}")
        except RecursionError:  # a deliberately deep spec: its tree is too deep to print
            out.append("deep")
    return out


def test_cached_parser_parses_like_a_built_one(cache_dir: Path) -> None:
    text = parser.GRAMMAR_PATH.read_text(encoding="utf-8")
    assert parser._cached_lark(text) is None
    built = lark.Lark(text, cache=False, **parser._LARK_OPTIONS)  # type: ignore[arg-type]
    parser._store_lark(built, text)
    assert len(list(cache_dir.iterdir())) == 1
    cached = parser._cached_lark(text)
    assert cached is not None
    assert [t.name for t in cached.terminals] == [t.name for t in built.terminals]
    assert _parse_all(cached) == _parse_all(built)


def test_whole_front_end_same_with_and_without_cache(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def run() -> list[str]:
        parser.grammar.cache_clear()
        out = []
        for path in sorted((ROOT / "tests").rglob("*.envdsl"))[:60]:
            module, diagnostics = parser.parse(path.read_text(encoding="utf-8", errors="replace"), path.name)
            try:
                out.append(repr(diagnostics) + repr(module.env))
            except RecursionError:  # a deliberately deep spec
                out.append(repr(diagnostics))
        return out

    try:
        monkeypatch.setattr(parser, "USE_GRAMMAR_CACHE", False)
        built = run()
        monkeypatch.setattr(parser, "USE_GRAMMAR_CACHE", True)
        first = run()  # builds and stores
        assert any(cache_dir.iterdir())
        second = run()  # loads from the cache
        assert built == first == second
    finally:
        parser.grammar.cache_clear()


def test_torn_cache_file_is_ignored(cache_dir: Path) -> None:
    text = parser.GRAMMAR_PATH.read_text(encoding="utf-8")
    parser._store_lark(lark.Lark(text, cache=False, **parser._LARK_OPTIONS), text)  # type: ignore[arg-type]
    (path,) = cache_dir.iterdir()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert parser._cached_lark(text) is None
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert parser._cached_lark(text) is None


def test_other_grammar_text_misses(cache_dir: Path) -> None:
    text = parser.GRAMMAR_PATH.read_text(encoding="utf-8")
    parser._store_lark(lark.Lark(text, cache=False, **parser._LARK_OPTIONS), text)  # type: ignore[arg-type]
    assert parser._cached_lark(text + "\n// changed\n") is None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="folder ownership is a POSIX notion")
def test_folder_others_can_write_is_not_trusted(cache_dir: Path) -> None:
    text = parser.GRAMMAR_PATH.read_text(encoding="utf-8")
    parser._store_lark(lark.Lark(text, cache=False, **parser._LARK_OPTIONS), text)  # type: ignore[arg-type]
    cache_dir.chmod(0o777)
    assert parser._cached_lark(text) is None
    cache_dir.chmod(0o700)
    assert parser._cached_lark(text) is not None


def test_unwritable_cache_falls_back_silently(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(parser, "_cache_dirs", lambda: [blocker / "cache"])  # mkdir fails, even for root
    try:
        parser.grammar.cache_clear()
        module, diagnostics = parser.parse("env e {}\n", "e.envdsl")
        assert module is not None
        assert not list(tmp_path.glob("**/*.pickle"))
    finally:
        parser.grammar.cache_clear()
