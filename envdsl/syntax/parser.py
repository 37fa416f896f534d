"""Text to syntax tree: `parse(text, path) -> (Module, diagnostics)`.

The grammar is `grammar/envdsl.lark`, loaded once per process. Parsing never
raises on bad input: lark's exceptions become coded diagnostics with a located
"expected … found …" message.

Keywords. lark's contextual lexer only lexes a keyword where the current LALR
state has an action for it. LALR merges lookaheads, so right after an
expression the state also "accepts" every keyword that can follow an
expression anywhere in the grammar (`description` can follow an invariant's
expression, for example). Without help, a field called `description` written
after a field with a `check` would be lexed as the keyword and rejected.
`_KeywordLexer` mends exactly that case: when a word could be both a keyword
and a name, it feeds the keyword to a copy of the parser state and keeps it as
a keyword only if the parser really takes it.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import io
import os
import re
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import lark
from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.parsers.lalr_parser_state import ParserState

from envdsl.diagnostics import messages
from envdsl.diagnostics.diagnostic import Diagnostic
from envdsl.diagnostics.span import Span
from envdsl.syntax import ast
from envdsl.syntax.transform import ToAst

T = TypeVar("T")
GRAMMAR_PATH = Path(__file__).resolve().parents[2] / "grammar" / "envdsl.lark"
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class _KeywordLexer(lark.lexer.Lexer):
    """Wraps lark's contextual lexer; see the module docstring."""

    def __init__(
        self, inner: lark.lexer.ContextualLexer, keywords: frozenset[str], call_keywords: frozenset[str]
    ) -> None:
        self.inner = inner
        self.keywords = keywords
        self.call_keywords = call_keywords

    def lex(self, lexer_state, parser_state) -> Iterator[Token]:  # type: ignore[override]
        states = parser_state.parse_conf.parse_table.states
        # The probe runs no tree-building callbacks: lark's callbacks reuse
        # child lists in place, so running them on a copy would corrupt the tree.
        probe_conf = copy.copy(parser_state.parse_conf)
        probe_conf.callbacks = {}
        text = lexer_state.text.text  # a lark TextSlice over the whole input
        for token in self.inner.lex(lexer_state, parser_state):
            if token.type in self.call_keywords and not _followed_by_paren(text, token.end_pos):
                # `count` and `sum` are keywords only as `count(` / `sum(`: a
                # field called `count` can be used as `check count >= 1`.
                token = Token.new_borrow_pos("NAME", str(token), token)
            elif token.type in self.keywords and "NAME" in states[parser_state.position]:
                probe = ParserState(probe_conf, None, list(parser_state.state_stack), [])
                try:
                    probe.feed_token(token)
                except UnexpectedToken:
                    token = Token.new_borrow_pos("NAME", str(token), token)
            yield token


def _followed_by_paren(text: str, end: int | None) -> bool:
    """Whether the next token after `end` is `(`, skipping white space and `//` comments."""
    i = end or 0
    while i < len(text):
        if text[i] in " \t\r\n":
            i += 1
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
        else:
            break
    return text.startswith("(", i)


@dataclass(frozen=True)
class Grammar:
    lark: lark.Lark
    terminal_text: dict[str, str]  # terminal name -> how a person writes it


# Building the LALR tables from the grammar text takes about half a second of
# CPU; every command pays it, so the built parser is cached on disk (see
# `_cached_lark`). Set to False to always build (the benchmark's baseline).
USE_GRAMMAR_CACHE = True
_LARK_OPTIONS: dict[str, object] = dict(
    parser="lalr",
    lexer="contextual",
    propagate_positions=True,
    maybe_placeholders=True,
    start=["start", "expr"],
)


@functools.cache
def grammar() -> Grammar:
    text = GRAMMAR_PATH.read_text(encoding="utf-8")
    parser = _cached_lark(text) if USE_GRAMMAR_CACHE else None
    if parser is None:
        parser = lark.Lark(text, cache=False, **_LARK_OPTIONS)  # type: ignore[arg-type]
        if USE_GRAMMAR_CACHE:
            _store_lark(parser, text)
    keywords: set[str] = set()
    terminal_text: dict[str, str] = {}
    for term in parser.terminals:
        pattern = term.pattern
        if isinstance(pattern, lark.lexer.PatternStr):
            terminal_text[term.name] = f"`{pattern.value}`"
            if _NAME_RE.match(pattern.value):
                keywords.add(term.name)
    terminal_text.update(
        NAME="a name",
        STRING="a string",
        INT="an integer",
        DECIMAL="a decimal number",
        _END="end of file",
        **{"$END": "end of file"},
    )
    frontend = parser.parser
    call_keywords = frozenset(name for name, shown in terminal_text.items() if shown in ("`count`", "`sum`"))
    frontend.lexer = _KeywordLexer(frontend.lexer, frozenset(keywords), call_keywords)
    return Grammar(parser, terminal_text)


def parse(text: str, path: str) -> tuple[ast.Module, list[Diagnostic]]:
    """Parse one `.envdsl` file. Returns a Module (with `env=None` on a syntax error)."""
    comments: list[ast.Comment] = []
    for match in re.finditer(r"//[^\n]*", text):
        comments.append(ast.Comment(match.group(0), Span(path, match.start(), match.end())))
    g = grammar()
    try:
        tree = g.lark.parse(text, start="start")
    except UnexpectedInput as error:
        return ast.Module(path, None, ()), [_syntax_diagnostic(error, text, path, g)]
    transformer = ToAst(path, text, parse_interpolation)
    try:
        env = call_deep(transformer.transform, tree)
    except RecursionError:
        return ast.Module(path, None, ()), [messages.too_deeply_nested(Span(path, 0, 0))]
    real_comments = tuple(c for c in comments if not transformer.inside_string(c.span.start))
    return ast.Module(path, env, real_comments), transformer.diagnostics


def parse_expr(
    text: str, path: str, offset: int = 0, end_name: str = "end of file"
) -> tuple[ast.Expr | None, list[Diagnostic]]:
    """Parse a lone expression whose text starts at `offset` in `path`.

    `end_name` is what the text's end is called in messages (an interpolation
    ends at its closing brace, not at the end of the file).
    """
    g = grammar()
    try:
        tree = g.lark.parse(text, start="expr")
    except UnexpectedInput as error:
        return None, [_syntax_diagnostic(error, text, path, g, offset, end_name)]
    transformer = ToAst(path, text, parse_interpolation, offset=offset)
    try:
        return call_deep(transformer.transform, tree), transformer.diagnostics
    except RecursionError:
        return None, [messages.too_deeply_nested(Span(path, offset, offset + len(text)))]


def call_deep(fn: Callable[..., T], *args: object) -> T:
    """Run `fn(*args)` where deep (but finite) recursion is safe.

    A left-nested `1 + 1 + …` of thousands of terms is a tree that deep, and
    both the tree transformer and the checker walk it recursively. The main
    thread's C stack (8 MB) overflows — a segmentation fault, not an
    exception — long before such a depth, so the walk runs on a thread with a
    large stack and a recursion limit that stays well inside it; past the
    limit, callers get a RecursionError and report E0006.
    """
    if threading.current_thread().name == _DEEP_THREAD:
        return fn(*args)  # already on the large stack (a message interpolation inside a spec)
    outcome: list[tuple[bool, object]] = []

    def target() -> None:
        try:
            outcome.append((True, fn(*args)))
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            outcome.append((False, error))

    previous_stack = threading.stack_size(_DEEP_STACK_BYTES)
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, _DEEP_RECURSION_LIMIT))
    try:
        worker = threading.Thread(target=target, name=_DEEP_THREAD)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous_stack)
        sys.setrecursionlimit(previous_limit)
    ok, value = outcome[0]
    if not ok:
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]


# 512 MiB of address space (only touched pages are used); 30k Python frames (about 10k nesting levels) fit with room to spare.
_DEEP_STACK_BYTES = 512 * 1024 * 1024
_DEEP_RECURSION_LIMIT = 30_000
_DEEP_THREAD = "envdsl-deep"


def parse_interpolation(source: str, path: str, offset: int) -> tuple[ast.Expr | None, list[Diagnostic]]:
    expr, diagnostics = parse_expr(source, path, offset, end_name="`}`")
    return expr, [messages.bad_interpolation(d) for d in diagnostics]


def _describe(token_type: str, g: Grammar) -> str:
    return g.terminal_text.get(token_type, token_type.lower())


# Tokens that can start an expression: listed together as "an expression".
_EXPRESSION_STARTS = {"a name", "an integer", "a decimal number", "a string", "`(`", "`[`", "`{`", "`-`"}
_EXPRESSION_KEYWORDS = {
    "`not`",
    "`true`",
    "`false`",
    "`none`",
    "`find`",
    "`insert`",
    "`count`",
    "`sum`",
    "`all`",
    "`exists`",
}


def _expected(names: set[str], g: Grammar) -> list[str]:
    described = {_describe(t, g) for t in names}
    if _EXPRESSION_STARTS <= described:
        described = (described - _EXPRESSION_STARTS - _EXPRESSION_KEYWORDS) | {"an expression"}
    return sorted(described)


def _syntax_diagnostic(
    error: UnexpectedInput, text: str, path: str, g: Grammar, offset: int = 0, end_name: str = "end of file"
) -> Diagnostic:
    if isinstance(error, UnexpectedToken):
        token: Token = error.token
        expected = _expected(set(error.expected), g)
        if token.type == "$END":
            start = len(text)
            found = end_name
            end = start
        else:
            start = token.start_pos if token.start_pos is not None else len(text)
            end = token.end_pos if token.end_pos is not None else start
            found = f"`{token}`" if token.type != "STRING" else "a string"
        return messages.unexpected_token(Span(path, offset + start, offset + end), found, expected)
    if isinstance(error, UnexpectedEOF):
        expected = _expected(set(error.expected), g)
        return messages.unexpected_token(Span(path, offset + len(text), offset + len(text)), end_name, expected)
    assert isinstance(error, UnexpectedCharacters)
    start = error.pos_in_stream or 0
    char = text[start : start + 1]
    if char == '"':
        return messages.unterminated_string(Span(path, offset + start, offset + start + 1))
    return messages.unexpected_character(Span(path, offset + start, offset + start + 1), char)


def tree_of(text: str) -> Tree:
    """The bare lark parse tree (used by the benchmark as the baseline)."""
    return grammar().lark.parse(text, start="start")


# ------------------------------------------------------------------ grammar cache
#
# The rule: a cached parser is used only when it was built from exactly this
# grammar text, with these options, by this lark and this Python (all part of
# the file name), its bytes are intact (a sha256 header), and it lies in a
# folder only this user can write (it is a pickle). Anything else — no cache
# folder, a read-only install or home, a torn or foreign file — silently falls
# back to building. Writers never expose a half-written file: each writes a
# private temporary file and renames it into place, so concurrent processes
# at worst build twice.

_CACHE_FORMAT = "envdsl-grammar-1"


def _cache_key(text: str) -> str:
    parts = [_CACHE_FORMAT, lark.__version__, repr(sys.version_info[:2]), repr(sorted(_LARK_OPTIONS.items())), text]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _cache_dirs() -> list[Path]:
    """Where the cache may live, best first: $ENVDSL_CACHE_DIR, the user cache folder, a private temp folder."""
    dirs: list[Path] = []
    if os.environ.get("ENVDSL_CACHE_DIR"):
        dirs.append(Path(os.environ["ENVDSL_CACHE_DIR"]))
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        dirs.append(Path(xdg) / "envdsl")
    else:
        try:
            dirs.append(Path.home() / ".cache" / "envdsl")
        except RuntimeError:  # no home directory
            pass
    uid = os.getuid() if hasattr(os, "getuid") else 0
    dirs.append(Path(tempfile.gettempdir()) / f"envdsl-cache-{uid}")
    return dirs


def _trusted(folder: Path) -> bool:
    """A folder this user owns and nobody else can write (a pickle is code)."""
    try:
        info = folder.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _cache_file(folder: Path, text: str) -> Path:
    return folder / f"grammar-{_cache_key(text)[:32]}.pickle"


def _cached_lark(text: str) -> lark.Lark | None:
    for folder in _cache_dirs():
        path = _cache_file(folder, text)
        try:
            if not _trusted(folder) or path.stat().st_uid != (os.getuid() if hasattr(os, "getuid") else 0):
                continue
            data = path.read_bytes()
        except OSError:
            continue
        digest, _, payload = data.partition(b"\n")
        if digest != hashlib.sha256(payload).hexdigest().encode("ascii"):
            continue  # torn or tampered: build instead
        try:
            return lark.Lark.load(io.BytesIO(payload))
        except Exception:  # noqa: BLE001 - any unreadable cache means "build it"
            continue
    return None


def _store_lark(parser: lark.Lark, text: str) -> None:
    buffer = io.BytesIO()
    try:
        parser.save(buffer)
    except Exception:  # noqa: BLE001 - caching is an optimisation only
        return
    payload = buffer.getvalue()
    data = hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload
    for folder in _cache_dirs():
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            continue
        if not _trusted(folder):
            continue
        try:
            handle, temp = tempfile.mkstemp(dir=folder, prefix=".grammar-", suffix=".tmp")
        except OSError:
            continue  # a read-only folder
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, _cache_file(folder, text))
            return
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
