"""The front end answers any text with diagnostics, never with an exception.

Inputs come from two places:

- programs generated from the real grammar (`hypothesis.extra.lark.from_lark`
  over `grammar/envdsl.lark`, built with the parser's own options);
- mutations of the shipped specs (`specs/**/*.envdsl`): a token deleted,
  duplicated, swapped with its neighbour or replaced by another token of the
  file, the text cut at any offset, random characters inserted.

For every input, `parse` + `check` return normally; the result is an IR or at
least one error; every span of every diagnostic lies within the text; every
renderer format renders it. A second grammar property is stronger: a program
of the grammar whose names are not keywords parses without a syntax error,
which is what the keyword lexer in `envdsl/syntax/parser.py` promises.

Budget: 5,400 examples in a plain `pytest` run (1,800 + 900 generated
programs, 6 x 350 single mutations, 600 stacked ones), about two minutes of
CPU on one core: half of it hypothesis drawing programs from the grammar, half
lark parsing mutated 20 kB specs. The largest tests are marked `slow`; they
still run in CI.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import lark
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from envdsl.check.checker import check
from envdsl.diagnostics.codes import CODES
from envdsl.diagnostics.diagnostic import Diagnostic, has_errors
from envdsl.diagnostics.render import FORMATS, render
from envdsl.diagnostics.span import SourceMap, Span
from envdsl.ir import nodes as ir
from envdsl.syntax.parser import GRAMMAR_PATH, parse

ROOT = Path(__file__).resolve().parents[1]
SPEC_GLOB = "specs/**/*.envdsl"
NO_SPECS = (
    f"no shipped specs: nothing matches {SPEC_GLOB} under {ROOT}. The mutation properties need at least "
    "one real spec (e.g. specs/travel/airline.envdsl) to mutate."
)

# Syntax codes: unexpected token/character, unterminated string, bad interpolation.
SYNTAX_CODES = frozenset({"E0001", "E0002", "E0003", "E0004"})

_SUPPRESSED = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
]


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=_SUPPRESSED, print_blob=True)


# ------------------------------------------------------------------ the property every input must satisfy


@dataclass(frozen=True)
class Outcome:
    env: ir.Env | None
    diagnostics: list[Diagnostic]


def run_front_end(text: str, path: str) -> Outcome:
    """parse + check, asserting everything the module docstring promises."""
    module, parse_diagnostics = parse(text, path)
    env, check_diagnostics = check(module)
    diagnostics = parse_diagnostics + check_diagnostics

    assert env is not None or has_errors(diagnostics), "no IR and no error diagnostic"
    if module.env is None:
        assert any(d.code in SYNTAX_CODES for d in parse_diagnostics), "no syntax tree but no syntax error"
    if env is not None:
        assert not has_errors(check_diagnostics), "the checker returned an IR despite its own errors"

    for d in diagnostics:
        assert d.code in CODES, f"unregistered code {d.code}"
        assert d.primary is not None, f"{d.code} has no primary label"
        for label in d.labels:
            _assert_span_in(label.span, text, path, d)
        if d.fix is not None:
            _assert_span_in(d.fix.span, text, path, d)

    sources = SourceMap()
    sources.add(path, text)
    for fmt in FORMATS:
        rendered = render(diagnostics, sources, fmt)
        assert isinstance(rendered, str)
        if diagnostics:
            assert rendered, f"{fmt} rendered nothing for {len(diagnostics)} diagnostics"
    rendered_json = json.loads(render(diagnostics, sources, "json"))
    assert [item["code"] for item in rendered_json] == [d.code for d in sorted(diagnostics, key=Diagnostic.sort_key)]
    return Outcome(env, diagnostics)


def _assert_span_in(span: Span, text: str, path: str, d: Diagnostic) -> None:
    assert span.path == path, f"{d.code} points into {span.path!r}, not {path!r}"
    assert 0 <= span.start <= span.end <= len(text), (
        f"{d.code} ({d.message}) has span [{span.start}, {span.end}) outside the text (length {len(text)})"
    )


# ------------------------------------------------------------------ programs from the grammar


def _lark_like_the_parser() -> lark.Lark:
    """The grammar with the options of `envdsl.syntax.parser.grammar()` (without its keyword lexer:
    from_lark only reads the rules)."""
    return lark.Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        start=["start", "expr"],
        cache=False,
    )


GRAMMAR = _lark_like_the_parser()
KEYWORDS = frozenset(
    t.pattern.value
    for t in GRAMMAR.terminals
    if isinstance(t.pattern, lark.lexer.PatternStr) and re.fullmatch(r"[A-Za-z_]\w*", t.pattern.value)
)

# Names the checker knows something about (the prelude below declares most of them), so generated
# declarations get past name resolution into types, effects and control flow.
_VOCABULARY = """
    x y f u r Flight User Cabin SoldOut NotFound id name seats status price balance flight
    economy business booked cancelled str int float bool money date datetime
    now today len lower contains days coalesce next_id min Missing _private class self
""".split()
_PLAIN_NAMES = st.sampled_from([n for n in _VOCABULARY if n not in KEYWORDS]) | st.from_regex(
    r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True
).filter(lambda n: n not in KEYWORDS)
_ANY_NAMES = _PLAIN_NAMES | st.sampled_from(sorted(KEYWORDS))

_STRING_BODY = st.text(
    alphabet=st.characters(blacklist_characters='"\\\n{}', blacklist_categories=("Cs",)), max_size=12
)
_CLEAN_STRINGS = st.one_of(
    st.sampled_from(['""', '"2026-03-01T09:00:00"', '"2026-03-01"', '"R"', '"seed.yaml"', '"""two\n  lines"""']),
    _STRING_BODY.map(lambda s: f'"{s}"'),
)
_ANY_STRINGS = st.one_of(
    _CLEAN_STRINGS,
    st.sampled_from(['"flight {x} is full"', '"{"', '"}"', '"{{ok}}"', '"{x +}"', '"{find}"', r'"\n\t\"\{"', '"é ✓"']),
    st.builds(lambda a, b: f'"{a}{{{b}}}"', _STRING_BODY, st.sampled_from(["x", "x.y", "len(x)", "", "1 +", "now()"])),
)
_INTS = st.one_of(st.integers(0, 12), st.integers(0, 10**30)).map(str)
_DECIMALS = st.builds(lambda a, b: f"{a}.{b:02d}", st.integers(0, 10**6), st.integers(0, 99))
_COMMENTS = st.text(alphabet=st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=10).map(
    lambda s: f"//{s}\n"
)
_WHITESPACE = st.sampled_from([" ", "\n", "\t", "  ", "\r\n"])

# A valid environment head: generated declarations are appended to it, then `}`.
PRELUDE = """env generated {
  title "Generated"
  domain testing
  clock "2026-03-01T09:00:00"
  error SoldOut "No seats left."
  enum Cabin { economy, business }
  entity Flight {
    key id: str = next_id("F")
    seats: int check seats >= 0
    price: money
    status: enum { booked, cancelled } = booked
    name: str?
  }
  entity User {
    key id: str
    name: str
    balance: money = 0
    flight: Flight?
  }
"""
# `invariant` is left out: generating a bare expression overruns hypothesis' buffer most of the time
# (the expression grammar recurses at every one of its nine levels), costing ~25x more per example.
# Expressions still come inside tools, defaults and checks, and whole files from `start`.
DECLARATION_RULES = ("entity", "tool", "enum_decl", "error_decl")


def _from_grammar(start: str, *, names: st.SearchStrategy[str], strings: st.SearchStrategy[str], glue: bool):
    """Text of the grammar rule `start`. Every terminal gets an explicit strategy so the text lexes
    sensibly: word-like tokens are always padded with a space (two words side by side are one word to
    any lexer); with `glue`, punctuation is sometimes written tight against its neighbours."""

    def padded(s: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return s.map(lambda v: f" {v} ")

    explicit: dict[str, st.SearchStrategy[str]] = {
        "NAME": padded(names),
        "STRING": padded(strings),
        "INT": padded(_INTS),
        "DECIMAL": padded(_DECIMALS),
        "COMMENT": _COMMENTS,
        "WS": _WHITESPACE,
    }
    for term in GRAMMAR.terminals:
        if term.name in explicit or not isinstance(term.pattern, lark.lexer.PatternStr):
            continue
        value = term.pattern.value
        if value in KEYWORDS or not glue:
            explicit[term.name] = st.just(f" {value} ")
        else:
            explicit[term.name] = st.sampled_from([f" {value} ", value])
    # from_lark refuses strategies for terminals the rule cannot reach.
    terminals, rules, ignored = GRAMMAR.grammar.compile([start], ())
    reachable = {t.name for t in terminals} | set(ignored)
    reachable |= {sym.name for rule in rules for sym in rule.expansion if isinstance(sym, lark.grammar.Terminal)}
    return from_lark(GRAMMAR, start=start, explicit={k: v for k, v in explicit.items() if k in reachable})


def _programs(**options) -> st.SearchStrategy[str]:
    """Whole files from `start`, and the prelude followed by generated declarations."""
    declaration = st.one_of(*(_from_grammar(rule, **options) for rule in DECLARATION_RULES))
    with_prelude = st.lists(declaration, min_size=1, max_size=3).map(lambda items: PRELUDE + "\n".join(items) + "\n}\n")
    return st.one_of(_from_grammar("start", **options), with_prelude)


ANY_PROGRAMS = _programs(names=_ANY_NAMES, strings=_ANY_STRINGS, glue=True)
CLEAN_PROGRAMS = _programs(names=_PLAIN_NAMES, strings=_CLEAN_STRINGS, glue=False)


def test_prelude_is_clean() -> None:
    outcome = run_front_end(PRELUDE + "}\n", "prelude.envdsl")
    assert outcome.env is not None, [d.message for d in outcome.diagnostics if d.is_error]


# The issue asks for at least 5,000 examples a CI run: 800 + 400 + 6 × 350 + 1,800 = 5,100 here, with the
# most where an example is cheapest (a whole generated program costs about 6× a mutated spec).
@pytest.mark.slow
@_settings(800)
@given(text=ANY_PROGRAMS)
def test_grammar_programs_get_diagnostics_never_exceptions(text: str) -> None:
    run_front_end(text, "generated.envdsl")


@_settings(400)
@given(text=CLEAN_PROGRAMS)
def test_grammar_programs_without_keyword_names_parse(text: str) -> None:
    outcome = run_front_end(text, "generated.envdsl")
    syntax = [d for d in outcome.diagnostics if d.code in SYNTAX_CODES]
    assert not syntax, f"a program of the grammar was rejected: {syntax[0].code} {syntax[0].message}"


# ------------------------------------------------------------------ mutations of the shipped specs

_TOKEN_RE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long string
    r'|"(?:[^"\\\n]|\\.)*"?'  # string (possibly unterminated)
    r"|//[^\n]*"  # comment
    r"|[A-Za-z_][A-Za-z0-9_]*"
    r"|[0-9]+(?:\.[0-9]+)?"
    r"|->|==|!=|<=|>="
    r"|\S",
    re.DOTALL,
)


@dataclass(frozen=True)
class Spec:
    path: str  # relative to the repository root, as the CLI would show it
    text: str

    def __repr__(self) -> str:  # failure reports show the path, not the whole text
        return f"Spec({self.path!r})"


def shipped_specs() -> list[Spec]:
    return [
        Spec(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
        for p in sorted(ROOT.glob(SPEC_GLOB))
        if p.is_file()
    ]


@pytest.fixture(scope="session")
def specs() -> list[Spec]:
    found = shipped_specs()
    if not found:
        pytest.fail(NO_SPECS, pytrace=False)
    return found


def test_shipped_specs_exist() -> None:
    assert shipped_specs(), NO_SPECS


def test_shipped_specs_are_clean(specs: list[Spec]) -> None:
    """The baseline of the mutations: unmutated, every spec checks without errors."""
    for spec in specs:
        outcome = run_front_end(spec.text, spec.path)
        errors = [d for d in outcome.diagnostics if d.is_error]
        assert outcome.env is not None, f"{spec.path}: {errors[0].code} {errors[0].message}"


# Each mutation takes the text so far (earlier mutations may have emptied it) and returns a new one.

_SECTIONS = 16


def _index(data: st.DataObject, size: int, label: str) -> int:
    """An index in `range(size)`, spread over the whole range. hypothesis draws small integers far
    more often than large ones; drawing a section first spreads mutations over the whole file
    instead of its first few hundred characters (the headers)."""
    if size <= 1:
        return 0
    width = -(-size // _SECTIONS)
    section = data.draw(st.integers(0, _SECTIONS - 1), label=f"{label} (section)")
    return min(size - 1, section * width + data.draw(st.integers(0, width - 1), label=label))


def _token(data: st.DataObject, tokens: list[tuple[int, int]], label: str) -> tuple[int, int]:
    if not tokens:
        return (0, 0)
    return tokens[_index(data, len(tokens), label)]


def delete_token(data: st.DataObject, text: str) -> str:
    start, end = _token(data, _tokens(text), "deleted token")
    return text[:start] + text[end:]


def duplicate_token(data: st.DataObject, text: str) -> str:
    start, end = _token(data, _tokens(text), "duplicated token")
    separator = data.draw(st.sampled_from([" ", "", "\n"]), label="separator")
    return text[:end] + separator + text[start:end] + text[end:]


def swap_tokens(data: st.DataObject, text: str) -> str:
    tokens = _tokens(text)
    if len(tokens) < 2:
        return text
    i = _index(data, len(tokens) - 1, "first of swapped pair")
    (a0, a1), (b0, b1) = tokens[i], tokens[i + 1]
    return text[:a0] + text[b0:b1] + text[a1:b0] + text[a0:a1] + text[b1:]


def replace_token(data: st.DataObject, text: str) -> str:
    tokens = _tokens(text)
    start, end = _token(data, tokens, "replaced token")
    other_start, other_end = _token(data, tokens, "replacement")
    return text[:start] + text[other_start:other_end] + text[end:]


def truncate(data: st.DataObject, text: str) -> str:
    return text[: _index(data, len(text) + 1, "cut at")]


_JUNK = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("{}()[]<>\"\\/:;,.=!?-+*%#@$`'\n\t\r ") + ["\x00", "\u2028", "\ufeff", "é", "✓", "𝔁"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    min_size=1,
    max_size=6,
)


def insert_characters(data: st.DataObject, text: str) -> str:
    at = _index(data, len(text) + 1, "insert at")
    return text[:at] + data.draw(_JUNK, label="inserted") + text[at:]


def _tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN_RE.finditer(text)]


MUTATIONS = [delete_token, duplicate_token, swap_tokens, replace_token, truncate, insert_characters]


def _mutated(data: st.DataObject, specs: list[Spec], mutations) -> tuple[Spec, str]:
    spec = data.draw(st.sampled_from(specs), label="spec")
    text = spec.text
    for mutation in mutations:
        text = mutation(data, text)
    return spec, text


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.__name__)
@_settings(350)
@given(data=st.data())
def test_mutated_specs_get_diagnostics_never_exceptions(specs: list[Spec], mutation, data: st.DataObject) -> None:
    spec, text = _mutated(data, specs, [mutation])
    run_front_end(text, spec.path)


@pytest.mark.slow
@_settings(1800)
@given(data=st.data())
def test_specs_under_several_mutations_get_diagnostics_never_exceptions(specs: list[Spec], data: st.DataObject) -> None:
    chosen = data.draw(st.lists(st.sampled_from(MUTATIONS), min_size=2, max_size=5), label="mutations")
    spec, text = _mutated(data, specs, chosen)
    run_front_end(text, spec.path)
