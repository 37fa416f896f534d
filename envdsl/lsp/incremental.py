"""Re-parse only the top-level items an edit touched; the rest of the tree is reused.

Rule: the result is exactly what `envdsl.syntax.parser.parse` returns for the
new text, or None (the caller then runs the full parse). Parsing is most of the
time a keystroke costs (lark's LALR parser in pure Python: about 0.3 s for the
largest shipped spec on a busy 2-core machine), and an edit usually stays in
one tool or entity, so the server re-parses just that stretch:

1. the changed stretch is what lies between the longest common prefix and
   suffix of the old and new texts;
2. the *region* is that stretch widened to item boundaries: from the end of
   the last untouched item before it (or the env's `{`) to the start of the
   first untouched item after it (or the env's closing `}`); an item touching
   the edit counts as touched;
3. the region is parsed alone, inside a stand-in `env _{ … }` padded with
   spaces so that every offset, and so every span, is already right; it may
   hold zero, one or several items;
4. untouched items before the region are kept as they are, those after it are
   copied with their spans moved by the edit's length; parse-time diagnostics
   (message interpolations) follow their item the same way.

Why that equals a full parse: the env body is `env_item*`, each item is lexed
and parsed in the same parser states whether or not other items precede it,
and the region begins and ends with whitespace that was not edited, so no
token can run across its borders. A region with a syntax error stands for
the full parse when the error lies inside the region (the full parse, too,
stops there, with the same message; see `_same_error_in_full_text`).
Anything outside that argument — an edit outside the env body, an error at
the region's end, a diagnostic outside every item, a tree too deep to copy —
returns None. The base may be several edits old: the server passes the last
analysis that parsed, so typing through a syntax error stays incremental.
`tests/test_lsp.py` checks the equality against the full parse on random
edits, broken ones included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from envdsl.diagnostics.diagnostic import Diagnostic
from envdsl.diagnostics.span import Span
from envdsl.syntax import ast

# `_syntax_diagnostic` words a lark error exactly as `parse` does; sharing it keeps the two identical.
from envdsl.syntax.parser import _syntax_diagnostic, call_deep, grammar, parse_interpolation
from envdsl.syntax.transform import ToAst

_HEADER = "env _{"
_COMMENT = re.compile(r"//[^\n]*")
_LEADING = re.compile(r"(?:\s|//[^\n]*)*")  # what the lexer skips before a token


def common_affixes(old: str, new: str) -> tuple[int, int]:
    """Lengths of the longest common prefix and suffix, not overlapping in either text."""
    limit = min(len(old), len(new))
    lo, hi = 0, limit  # binary search on slice equality: C-speed comparisons, O(n log n)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, limit - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid :] == new[len(new) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


def reparse(
    old_text: str, old_module: ast.Module, old_diagnostics: list[Diagnostic], text: str
) -> tuple[ast.Module, list[Diagnostic]] | None:
    """The module and parse diagnostics of `text`, reusing `old_module`'s untouched items; None if unsure."""
    env = old_module.env
    if env is None:
        return None
    if old_text == text:  # a save, or an undo back to the same text
        return old_module, list(old_diagnostics)
    path = old_module.path
    prefix, suffix = common_affixes(old_text, text)
    edit_start, old_edit_end = prefix, len(old_text) - suffix
    delta = len(text) - len(old_text)

    body_start = old_text.find("{", env.name.span.end) + 1
    body_end = env.span.end - 1  # the env's closing `}`
    if not (0 < body_start <= edit_start and old_edit_end <= body_end) or old_text[body_end : body_end + 1] != "}":
        return None
    items = env.items
    before = [i for i in items if i.span.end < edit_start]
    after = [i for i in items if i.span.start > old_edit_end]
    region_start = before[-1].span.end if before else body_start
    old_region_end = after[0].span.start if after else body_end
    if not (region_start < edit_start and old_edit_end < old_region_end):
        return None  # the edit reaches a border: no unedited character separates it from its neighbours
    region_end = old_region_end + delta
    if not (text[region_start].isspace() and text[region_end - 1].isspace()) or region_start < len(_HEADER):
        return None

    padded = _HEADER + " " * (region_start - len(_HEADER)) + text[region_start:region_end] + "}"
    g = grammar()
    try:
        tree = g.lark.parse(padded, start="start")
    except UnexpectedInput as error:
        if not _same_error_in_full_text(error, padded, region_start, region_end):
            return None
        return ast.Module(path, None, ()), [_syntax_diagnostic(error, padded, path, g)]
    transformer = ToAst(path, padded, parse_interpolation)
    try:
        region_env: ast.EnvDecl = call_deep(transformer.transform, tree)
    except RecursionError:
        return None

    kept = [i for i in items if i.span.end < edit_start or i.span.start > old_edit_end]
    kept_diagnostics: list[Diagnostic] = []
    for diagnostic in old_diagnostics:
        primary = diagnostic.primary
        if primary is None or not any(i.span.start <= primary.span.start < i.span.end for i in kept):
            if primary is not None and region_start <= primary.span.start < old_region_end:
                continue  # re-made by the region's transform
            return None
        spans = [label.span for label in diagnostic.labels] + ([diagnostic.fix.span] if diagnostic.fix else [])
        if all(span.end <= region_start for span in spans):
            kept_diagnostics.append(diagnostic)
        elif all(span.start >= old_region_end for span in spans):
            kept_diagnostics.append(_shift(diagnostic, delta))
        else:
            return None  # labels on both sides of the edit: not worth the bookkeeping
    try:
        moved = [_shift(i, delta) for i in after] if delta else after
    except RecursionError:
        return None
    new_env = ast.EnvDecl(
        env.name, (*before, *region_env.items, *moved), Span(path, env.span.start, env.span.end + delta)
    )
    diagnostics = kept_diagnostics + transformer.diagnostics
    return ast.Module(
        path, new_env, _comments(old_module, text, transformer, region_start, old_region_end, delta)
    ), diagnostics


def _same_error_in_full_text(error: UnexpectedInput, padded: str, region_start: int, region_end: int) -> bool:
    """Whether a full parse stops at this same error, so its diagnostic may stand for the full parse's.

    The items before the region parse as before, and once the region's first
    token is taken the parser goes through the same states, so an error at a
    later token that lies wholly inside the region (with the character after
    it) is met the same way. Not so at the first token (what it may be still
    depends on how the previous item ended: after a tool's `}` an `else`
    could follow), nor at the region's end (the stand-in `}` is not the next
    item), nor for a `"` that lexes as no string here: in the full text a
    string opened there may close in a later item.
    """
    first = _LEADING.match(padded, region_start).end()  # the region's first token
    if isinstance(error, UnexpectedToken):
        token = error.token
        return token.type != "$END" and token.start_pos > first and token.end_pos < region_end
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream
        return position is not None and first < position < region_end and padded[position] != '"'
    return False


def _comments(
    old: ast.Module, text: str, transformer: ToAst, region_start: int, old_region_end: int, delta: int
) -> tuple[ast.Comment, ...]:
    """Comments outside the region are the old ones (moved); inside it, found as `parse` finds them."""
    path = old.path
    head = [c for c in old.comments if c.span.end <= region_start]
    tail = [_shift(c, delta) for c in old.comments if c.span.start >= old_region_end]
    region_end = old_region_end + delta
    middle = [
        ast.Comment(m.group(0), Span(path, m.start(), m.end()))
        for m in _COMMENT.finditer(text, region_start, region_end)
        if not transformer.inside_string(m.start())
    ]
    return (*head, *middle, *tail)


# ------------------------------------------------------------------ moving spans

# Per node class: each field's name, whether it can hold a span (plain `str`/`int`/`bool` fields cannot),
# and the slot's setter. Nodes are frozen, slotted dataclasses; filling the slots of a bare instance
# skips the frozen `__init__` (three times slower), which matters when a keystroke moves 10k nodes.
_PLANS: dict[type, tuple[tuple[str, bool, Callable[[Any, Any], None]], ...] | None] = {}
_PLAIN = {"str", "int", "bool"}
_new = object.__new__


def _plan(kind: type) -> tuple[tuple[str, bool, Callable[[Any, Any], None]], ...] | None:
    plan = []
    for f in fields(kind):
        slot = kind.__dict__.get(f.name)
        if slot is None or not hasattr(slot, "__set__") or f.init is False:
            return None  # not a plain slotted dataclass: build it with its constructor
        plan.append((f.name, f.type in _PLAIN, slot.__set__))
    return tuple(plan)


def _shift(value: Any, delta: int) -> Any:
    """A copy of a syntax node (or diagnostic) with every span moved by `delta` characters."""
    return _mover(delta)(value)


def _mover(delta: int) -> Callable[[Any], Any]:
    set_path, set_start, set_end = (Span.__dict__[name].__set__ for name in ("path", "start", "end"))

    def move(value: Any) -> Any:
        kind = type(value)
        if kind is Span:
            moved = _new(Span)
            set_path(moved, value.path)
            set_start(moved, value.start + delta)
            set_end(moved, value.end + delta)
            return moved
        if kind is tuple:
            return tuple([move(v) for v in value])
        if kind not in _PLANS:
            if not is_dataclass(value):
                return value  # str, int, bool, None, enums, Decimal: no position inside
            _PLANS[kind] = _plan(kind)
        plan = _PLANS[kind]
        if plan is None:
            return kind(*[move(getattr(value, f.name)) for f in fields(kind)])
        moved = _new(kind)
        for name, plain, setter in plan:
            item = getattr(value, name)
            setter(moved, item if plain else move(item))
        return moved

    return move
