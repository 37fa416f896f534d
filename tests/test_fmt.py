"""`envdsl fmt`: fixed points, golden cases and properties.

- `fixtures/fmt/identity*.envdsl` are already canonical and must format to themselves.
- `fixtures/fmt/cases/<name>/input.envdsl` must format to `expected.envdsl`
  (`pytest --update-goldens` rewrites the expected files; review the diff).
- On every fixture and every `specs/**/*.envdsl`: formatting is idempotent,
  keeps the syntax tree (spans aside) and keeps every comment exactly once.
- Hypothesis: token-level mutations of the fixtures never make `format_text`
  raise (and what parses formats to a fixed point); comments inserted between
  any two tokens all survive; random fully parenthesised expressions keep their
  tree when fmt drops the parentheses it does not need.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envdsl.syntax import ast
from envdsl.syntax.fmt import WIDTH, format_module, format_text
from envdsl.syntax.parser import parse

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "fmt"
IDENTITY = sorted(FIXTURES.glob("identity*.envdsl"))
CASES = sorted(p for p in (FIXTURES / "cases").iterdir() if p.is_dir())
SPECS = sorted(ROOT.glob("specs/**/*.envdsl"))
EVERY_INPUT = IDENTITY + [c / "input.envdsl" for c in CASES] + SPECS


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


# ---------------------------------------------------------------- helpers

# The canonical order, written out again here rather than imported, so that a
# mistake in the formatter's tables cannot hide itself.
_HEADER_ORDER = ["Title", "Domain", "Description", "Policy", "Clock", "Seed"]
_MODIFIER_ORDER = ["DefaultMod", "UniqueMod", "CheckMod", "DocMod"]


def _rank(names: list[str], node: object) -> int:
    name = type(node).__name__
    return names.index(name) if name in names else len(names)


def shape(node: object) -> object:
    """The tree as nested tuples without spans; env items and field modifiers in canonical order."""
    if isinstance(node, ast.EnvDecl):
        items = sorted(node.items, key=lambda item: _rank(_HEADER_ORDER, item))
        return ("EnvDecl", shape(node.name), tuple(shape(i) for i in items))
    if isinstance(node, ast.FieldDecl):
        mods = sorted(node.mods, key=lambda mod: _rank(_MODIFIER_ORDER, mod))
        return ("FieldDecl", shape(node.name), shape(node.type), node.is_key, tuple(shape(m) for m in mods))
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        fields = (shape(getattr(node, f.name)) for f in dataclasses.fields(node) if f.name not in ("span", "path"))
        return (type(node).__name__, *fields)
    if isinstance(node, tuple):
        return tuple(shape(n) for n in node)
    return node


def comment_texts(module: ast.Module) -> Counter[str]:
    return Counter(c.text.rstrip() for c in module.comments)


def assert_well_formatted(text: str, path: str) -> str:
    """Format `text` and check every property of the output; return the output."""
    before, diagnostics = parse(text, path)
    assert before.env is not None, f"{path} does not parse: {[d.message for d in diagnostics]}"
    formatted = format_module(before, text)
    after, diagnostics = parse(formatted, path)
    assert after.env is not None, f"fmt output does not parse: {[d.message for d in diagnostics]}\n{formatted}"
    assert shape(after.env) == shape(before.env), "fmt changed the syntax tree"
    assert comment_texts(after) == comment_texts(before), "fmt lost or duplicated a comment"
    again, _ = format_text(formatted, path)
    assert again == formatted, "fmt is not idempotent"
    return formatted


# ---------------------------------------------------------------- fixed points and goldens


@pytest.mark.parametrize("path", IDENTITY, ids=_id)
def test_identity_fixture_formats_to_itself(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted, diagnostics = format_text(text, _id(path))
    assert diagnostics == []
    assert formatted == text


def _variants(node: object, seen: set[tuple]) -> None:
    """Record each node type, each optional part present or absent, each flag and operator."""
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        name = type(node).__name__
        seen.add((name,))
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if "None" in str(f.type):
                seen.add((name, f.name, value is None))
            if isinstance(value, bool) or f.name in ("op", "kind"):
                seen.add((name, f.name, value))
            _variants(value, seen)
    elif isinstance(node, tuple):
        for n in node:
            _variants(n, seen)


def test_identity_fixtures_cover_every_construct() -> None:
    seen: set[tuple] = set()
    for path in IDENTITY:
        _variants(parse(path.read_text(encoding="utf-8"), str(path))[0].env, seen)
    required: set[tuple] = set()
    for name, cls in vars(ast).items():
        if not (dataclasses.is_dataclass(cls) and cls.__module__ == ast.__name__) or name in ("Module", "Comment"):
            continue
        required.add((name,))
        for f in dataclasses.fields(cls):
            if "None" in str(f.type):
                required |= {(name, f.name, True), (name, f.name, False)}
            if f.type == "bool":
                required |= {(name, f.name, True), (name, f.name, False)}
    binary = ["or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "+", "-", "*", "/", "%"]
    required |= {("Binary", "op", op) for op in binary}
    required |= {
        ("Unary", "op", "not"),
        ("Unary", "op", "-"),
        ("Quantifier", "kind", "all"),
        ("Quantifier", "kind", "exists"),
    }
    assert sorted(required - seen) == []


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_messy_input_formats_to_expected(case: Path, update_goldens: bool) -> None:
    text = (case / "input.envdsl").read_text(encoding="utf-8")
    formatted, diagnostics = format_text(text, "input.envdsl")
    assert formatted is not None, diagnostics
    expected_path = case / "expected.envdsl"
    if update_goldens:
        expected_path.write_text(formatted, encoding="utf-8")
    assert formatted == expected_path.read_text(encoding="utf-8")
    assert format_text(formatted, "expected.envdsl")[0] == formatted


def test_identity_fixtures_stay_within_the_width() -> None:
    for path in IDENTITY:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert len(line) <= WIDTH, f"{path.name}:{number} is {len(line)} columns"
            assert line == line.rstrip(), f"{path.name}:{number} ends in white space"


# ---------------------------------------------------------------- properties of every input


@pytest.mark.parametrize("path", EVERY_INPUT, ids=_id)
def test_fmt_is_idempotent_keeps_the_tree_and_the_comments(path: Path) -> None:
    assert_well_formatted(path.read_text(encoding="utf-8"), _id(path))


def test_specs_are_globbed() -> None:
    # Guards the glob itself: a spec added under specs/ is tested without editing this file.
    assert all(p.suffix == ".envdsl" and p.is_relative_to(ROOT / "specs") for p in SPECS)


# ---------------------------------------------------------------- comments, precisely


def _formatted(text: str) -> str:
    formatted, diagnostics = format_text(text, "t.envdsl")
    assert formatted is not None, diagnostics
    return formatted


def test_trailing_comment_stays_on_its_line() -> None:
    out = _formatted("env e { entity A { key id: int // the key\n n: int } }")
    assert "    key id: int // the key\n" in out


def test_comment_after_the_last_item_stays_before_the_closing_brace() -> None:
    out = _formatted("env e {\n tool t() {\n return\n // done\n }\n}")
    assert out.endswith("    return\n    // done\n  }\n}\n")


def test_comment_inside_an_expression_moves_before_its_statement() -> None:
    out = _formatted("env e {\n tool t() {\n let x = 1 +\n // why\n 2\n }\n}")
    assert "    // why\n    let x = 1 + 2\n" in out


def test_comment_between_arguments_breaks_the_call() -> None:
    out = _formatted("env e {\n tool t() {\n let x = f(1, // one\n 2)\n }\n}")
    assert "    let x = f(\n      1, // one\n      2,\n    )\n" in out


def test_moved_headers_take_their_comments_along() -> None:
    out = _formatted('env e {\n error A\n // the title\n title "t" // trailing\n}')
    assert out == 'env e {\n  // the title\n  title "t" // trailing\n\n  error A\n}\n'


def test_comment_like_text_inside_strings_is_not_a_comment() -> None:
    text = 'env e {\n  title "see http://example.com"\n}\n'
    assert _formatted(text) == text


# ---------------------------------------------------------------- layout details


def test_strings_and_numbers_are_kept_as_written() -> None:
    text = 'env e {\n  title "a\\"b\\\\c\\{d\\}"\n\n  tool t() {\n    let x = 007 + 1.50\n  }\n}\n'
    assert _formatted(text) == text


def test_asc_is_kept_only_where_written() -> None:
    out = _formatted(
        "env e { tool t() { let a = find r in R order by r.x asc, r.y\n let b = find r in R order by r.x } }"
    )
    assert "order by r.x asc, r.y\n" in out
    assert "order by r.x\n" in out


def test_find_in_a_list_keeps_its_order_by_keys() -> None:
    # A comma after `order by k` would add a key: fmt must parenthesise, or leave out the trailing comma.
    text = "env e { tool t() { let a = f((find r in R order by r.x), 1)\n let b = [1, find r in R order by r.x] } }"
    out = assert_well_formatted(text, "t.envdsl")
    assert "f((find r in R order by r.x), 1)" in out
    assert "[1, find r in R order by r.x]" in out


def test_long_signature_puts_one_parameter_per_line() -> None:
    params = ", ".join(f"parameter_number_{i}: int" for i in range(6))
    out = _formatted(f"env e {{ tool t({params}) -> int raises E {{ return 1 }} }}")
    assert "  tool t(\n    parameter_number_0: int,\n" in out
    assert "    parameter_number_5: int,\n  ) -> int raises E {\n" in out


def test_file_that_does_not_parse_gives_diagnostics() -> None:
    formatted, diagnostics = format_text("env e { tool }", "bad.envdsl")
    assert formatted is None
    assert [d.code for d in diagnostics] == ["E0001"]


def test_format_module_refuses_a_module_without_env() -> None:
    module, _ = parse("env", "bad.envdsl")
    with pytest.raises(ValueError):
        format_module(module, "env")


# ---------------------------------------------------------------- hypothesis: mutated fixtures

_TOKEN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|//[^\n]*|\s+|\d+\.\d+|\w+|[<>=!]=|->|.', re.S)
_SEEDS = [p.read_text(encoding="utf-8") for p in IDENTITY + [c / "input.envdsl" for c in CASES]]
_SEED_TOKENS = [[t for t in _TOKEN.findall(text) if not t.isspace()] for text in _SEEDS]

_mutation = st.tuples(
    st.sampled_from(["delete", "duplicate", "swap", "swap_alike"]), st.integers(0, 10**6), st.integers(0, 10**6)
)


def _kind(token: str) -> str:
    if token.startswith('"'):
        return "string"
    if token.startswith("//"):
        return "comment"
    return "word" if token[0].isalnum() or token[0] == "_" else token if token in "(){}[],:." else "operator"


def _mutate(tokens: list[str], mutations: list[tuple[str, int, int]]) -> str:
    tokens = list(tokens)
    for op, i, j in mutations:
        if not tokens:
            break
        i %= len(tokens)
        j %= len(tokens)
        if op == "delete":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(i, tokens[i])
        elif op == "swap":
            tokens[i], tokens[j] = tokens[j], tokens[i]
        else:
            # A token swapped with one of its kind (a name with a keyword, `+` with `and`) mostly still
            # parses, so this is the mutation that reaches the formatter rather than the parser.
            alike = [k for k, t in enumerate(tokens) if _kind(t) == _kind(tokens[i])]
            k = alike[j % len(alike)]
            tokens[i], tokens[k] = tokens[k], tokens[i]
    # Comments run to the end of the line, so every token gets its own line when it follows one.
    return "".join(t + ("\n" if t.startswith("//") else " ") for t in tokens)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(range(len(_SEEDS))), mutations=st.lists(_mutation, min_size=1, max_size=4))
def test_mutated_fixtures_never_make_fmt_raise(seed: int, mutations: list[tuple[str, int, int]]) -> None:
    text = _mutate(_SEED_TOKENS[seed], mutations)
    formatted, diagnostics = format_text(text, "mutant.envdsl")
    if formatted is None:
        assert diagnostics, "no text and no diagnostics"
        return
    assert format_text(formatted, "mutant.envdsl")[0] == formatted
    assert_well_formatted(text, "mutant.envdsl")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(range(len(_SEEDS))), places=st.lists(st.integers(0, 10**6), min_size=1, max_size=6))
def test_comments_anywhere_are_kept(seed: int, places: list[int]) -> None:
    # A comment between any two tokens: the file still parses, and fmt must find each comment a place.
    tokens = _TOKEN.findall(_SEEDS[seed])
    for n, place in enumerate(places):
        i = place % (len(tokens) + 1)
        if not (i and tokens[i - 1].startswith("//")):
            tokens.insert(i, f" // c{n}\n")
    assert_well_formatted("".join(tokens), "commented.envdsl")


def test_a_comment_between_count_and_its_parenthesis_keeps_the_keyword() -> None:
    # Found by test_comments_anywhere_are_kept in CI: `count // c` then `(` lexed as a call to a
    # function `count` with the argument `x in R`, and fmt printed `count(x in R,)`, which does not parse.
    for keyword, inside in (("count", "r in Flight"), ("sum", "r.seats for r in Flight")):
        text = "env e {\n  title \"E\"\n  domain d\n  entity Flight {\n    key id: int\n    seats: int\n  }\n"
        text += f"  tool t() -> int {{\n    return {keyword} // c1\n( // c2\n{inside}) + 1\n  }}\n}}\n"
        module, diagnostics = parse(text, "e.envdsl")
        assert module.env is not None, [d.message for d in diagnostics]
        (tool,) = [item for item in module.env.items if isinstance(item, ast.ToolDecl)]
        (ret,) = tool.body.stmts
        assert type(ret.value.left).__name__ == ("Count" if keyword == "count" else "Sum")
        out = assert_well_formatted(text, "e.envdsl")
        assert f"return {keyword}({inside}) + 1" in out and "// c1" in out and "// c2" in out


# ---------------------------------------------------------------- hypothesis: parentheses

_names = st.sampled_from(["x", "y", "r.seats", "status", "description"])
_atoms = st.one_of(
    _names,
    st.integers(0, 99).map(str),
    st.sampled_from(["1.50", '"s"', '"""t"""', "true", "false", "none", "[]", "now()", "insert E {}"]),
)


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Every sub-expression in parentheses, so the input's tree is unambiguous whatever the precedence."""
    p = inner.map(lambda e: f"({e})")
    binary = st.sampled_from(["or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "+", "-", "*", "/", "%"])
    where = st.one_of(st.just(""), p.map(lambda e: f" where {e}"))
    key = st.tuples(p, st.sampled_from(["", " asc", " desc"])).map("".join)
    order = st.one_of(st.just(""), st.lists(key, min_size=1, max_size=2).map(lambda ks: " order by " + ", ".join(ks)))
    limit = st.one_of(st.just(""), p.map(lambda e: f" limit {e}"))
    return st.one_of(
        st.tuples(p, binary, p).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(st.sampled_from(["not ", "-"]), p).map("".join),
        p.map(lambda e: f"{e}.name"),
        st.lists(p, max_size=3).map(lambda es: "f(" + ", ".join(es) + ")"),
        st.lists(p, max_size=3).map(lambda es: "[" + ", ".join(es) + "]"),
        st.lists(p, min_size=1, max_size=2).map(
            lambda es: "{ " + ", ".join(f"k{i}: {e}" for i, e in enumerate(es)) + " }"
        ),
        st.lists(p, max_size=2).map(
            lambda es: "insert E { " + ", ".join(f"k{i}: {e}" for i, e in enumerate(es)) + " }"
        ),
        st.tuples(where, order, limit).map(lambda t: "find r in E" + "".join(t)),
        st.tuples(where, order).map(lambda t: "find first r in E" + "".join(t)),
        where.map(lambda w: f"count(r in E{w})"),
        st.tuples(p, where).map(lambda t: f"sum({t[0]} for r in E{t[1]})"),
        st.tuples(st.sampled_from(["all", "exists"]), where, p).map(lambda t: f"{t[0]} r in E{t[1]}: {t[2]}"),
    )


_expressions = st.recursive(_atoms, _compound, max_leaves=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=_expressions)
def test_fmt_drops_only_parentheses_that_precedence_makes_redundant(expr: str) -> None:
    e = f"({expr})"
    text = (
        "env e {\n"
        f'  invariant "i": {e}\n'
        f"  tool t(p: int = {e}) {{\n"
        f"    let v = f({e}, {e})\n"
        f"    update v set a = {e}, b = {e}\n"
        f"    return [{e}]\n"
        "  }\n"
        "}\n"
    )
    assert_well_formatted(text, "expr.envdsl")
