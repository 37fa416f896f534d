"""Syntax tree to canonical text: the formatter behind `envdsl fmt`.

The rule of this module: the output parses to the same tree as the input
(spans aside; headers and field modifiers in their canonical order), formatting
the output again changes nothing, and every `//` comment of the input appears
exactly once in the output.

How it works. The tree is turned into a *document* — text, line breaks,
groups and indentation — and the document is printed at WIDTH columns
(Wadler's "prettier printer", in the shape of prettier's doc printer). A group
is printed on one line when it fits, otherwise its line breaks become newlines;
outer groups break before inner ones. Layout therefore depends only on the
tree, the comments and the blank lines, never on the input's line breaks.

Comments are not in the tree, so each is attached by position, in three ways:

- *leading*: on its own line(s) before the next declaration, field, statement
  or list element (parameter, argument, enum value, …) that follows it;
- *trailing*: after the element that ends on the comment's source line;
- *dangling*: after the last element of a block, before the closing brace.

A comment somewhere without its own line (inside a condition, between `)` and
`{` of a tool, …) is moved before the statement or declaration that holds it.
Every lookup removes the comment from a pool, and the file level takes whatever
is left in its range, so a comment can be neither lost nor printed twice.
Strings and numbers are re-emitted from their source text, never re-escaped.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar, Union

from envdsl.diagnostics.diagnostic import Diagnostic
from envdsl.syntax import ast
from envdsl.syntax.parser import parse

WIDTH = 100
INDENT = 2

# ============================================================== documents


@dataclass(frozen=True, slots=True)
class _Line:
    """A break: a space (or nothing, if soft) when its group is flat; a newline otherwise."""

    soft: bool = False
    hard: bool = False  # always a newline; breaks every enclosing group


@dataclass(frozen=True, slots=True)
class _Nest:
    contents: Doc


@dataclass(frozen=True, slots=True)
class _IfBreak:
    """`broken` or `flat`, by the mode of the enclosing group, or of `group` when given (printed before this)."""

    broken: Doc
    flat: Doc = ""
    group: _Group | None = None


@dataclass(frozen=True, slots=True)
class _LineSuffix:
    """Text held back until the next newline: how a trailing comment is printed."""

    text: str


@dataclass(frozen=True, slots=True)
class _BreakParent:
    """Breaks every enclosing group (a `//` comment must end its line)."""


class _Group:
    __slots__ = ("contents", "broken")

    def __init__(self, contents: Doc) -> None:
        self.contents = contents
        self.broken = _forces_break(contents)


Doc = Union[str, list, _Line, _Nest, _IfBreak, _LineSuffix, _BreakParent, _Group]

LINE = _Line()
SOFTLINE = _Line(soft=True)
HARDLINE = _Line(hard=True)
BREAK_PARENT = _BreakParent()


def _forces_break(doc: Doc) -> bool:
    # Nested groups already know the answer, so this never descends below one.
    if isinstance(doc, list):
        return any(_forces_break(d) for d in doc)
    if isinstance(doc, _Group):
        return doc.broken
    if isinstance(doc, _Nest):
        return _forces_break(doc.contents)
    if isinstance(doc, _Line):
        return doc.hard
    return isinstance(doc, _BreakParent)


def _join(separator: Doc, docs: Sequence[Doc]) -> list[Doc]:
    out: list[Doc] = []
    for i, doc in enumerate(docs):
        if i:
            out.append(separator)
        out.append(doc)
    return out


class _Mode(enum.Enum):
    FLAT = "flat"
    BREAK = "break"


_Command = tuple[int, _Mode, Doc]  # indentation, mode, document


def _fits(command: _Command, rest: list[_Command], width: int, modes: dict[int, _Mode]) -> bool:
    """Whether `command` printed flat, and what follows up to the next newline, fits in `width`."""
    pending: list[tuple[_Mode, Doc]] = [(command[1], command[2])]
    rest_index = len(rest)
    while width >= 0:
        if not pending:
            if rest_index == 0:
                return True
            rest_index -= 1
            pending.append((rest[rest_index][1], rest[rest_index][2]))
            continue
        mode, doc = pending.pop()
        if isinstance(doc, str):
            newline = doc.find("\n")
            if newline >= 0:  # a triple-quoted string: only its first line counts here
                return width - newline >= 0
            width -= len(doc)
        elif isinstance(doc, list):
            pending.extend((mode, d) for d in reversed(doc))
        elif isinstance(doc, _Nest):
            pending.append((mode, doc.contents))
        elif isinstance(doc, _Group):
            pending.append((_Mode.BREAK if doc.broken else mode, doc.contents))
        elif isinstance(doc, _IfBreak):
            decided = modes.get(id(doc.group), mode) if doc.group is not None else mode
            pending.append((mode, doc.broken if decided is _Mode.BREAK else doc.flat))
        elif isinstance(doc, _Line):
            if mode is _Mode.BREAK or doc.hard:
                return True
            if not doc.soft:
                width -= 1
        # Comments (line suffixes) take no width: they never decide a layout.
    return False


def _render(doc: Doc, width: int = WIDTH) -> str:
    out: list[str] = []
    column = 0
    indent_due: int | None = 0  # indentation not yet written: no line ever ends in spaces
    suffixes: list[str] = []
    stack: list[_Command] = [(0, _Mode.BREAK, doc)]
    modes: dict[int, _Mode] = {}  # id() of each group printed so far (the document holds them all alive)

    def write(text: str) -> None:
        nonlocal column, indent_due
        if indent_due is not None:
            out.append(" " * indent_due)
            column = indent_due
            indent_due = None
        out.append(text)
        newline = text.rfind("\n")
        column = len(text) - newline - 1 if newline >= 0 else column + len(text)

    while stack:
        indent, mode, doc = stack.pop()
        if isinstance(doc, str):
            if doc:
                write(doc)
        elif isinstance(doc, list):
            stack.extend((indent, mode, d) for d in reversed(doc))
        elif isinstance(doc, _Nest):
            stack.append((indent + INDENT, mode, doc.contents))
        elif isinstance(doc, _Group):
            if doc.broken:
                chosen = _Mode.BREAK
            elif mode is _Mode.FLAT:
                chosen = _Mode.FLAT
            else:
                at = indent_due if indent_due is not None else column
                fits = _fits((indent, _Mode.FLAT, doc.contents), stack, width - at, modes)
                chosen = _Mode.FLAT if fits else _Mode.BREAK
            modes[id(doc)] = chosen
            stack.append((indent, chosen, doc.contents))
        elif isinstance(doc, _IfBreak):
            decided = modes.get(id(doc.group), mode) if doc.group is not None else mode
            stack.append((indent, mode, doc.broken if decided is _Mode.BREAK else doc.flat))
        elif isinstance(doc, _Line):
            if mode is _Mode.FLAT and not doc.hard:
                if not doc.soft:
                    write(" ")
                continue
            if suffixes:
                out.extend(suffixes)
                suffixes.clear()
            out.append("\n")
            column = 0
            indent_due = indent
        elif isinstance(doc, _LineSuffix):
            suffixes.append(doc.text)
    out.extend(suffixes)
    return "".join(out)


# ============================================================== expressions: precedence

# Loosest first, as in the grammar: quantifier < or < and < not < comparison/in
# < + - < * / % < unary minus < postfix < atom.
_QUANTIFIER, _OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _NEG, _POSTFIX, _ATOM = range(10)
_BINARY_PREC = {
    "or": _OR, "and": _AND,
    "==": _COMPARE, "!=": _COMPARE, "<": _COMPARE, "<=": _COMPARE, ">": _COMPARE, ">=": _COMPARE, "in": _COMPARE, "not in": _COMPARE,
    "+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT, "%": _PRODUCT,
}  # fmt: skip


def _prec(expr: ast.Expr) -> int:
    if isinstance(expr, ast.Quantifier):
        return _QUANTIFIER
    if isinstance(expr, ast.Binary):
        return _BINARY_PREC[expr.op]
    if isinstance(expr, ast.Unary):
        return _NOT if expr.op == "not" else _NEG
    if isinstance(expr, (ast.Attr, ast.Call)):
        return _POSTFIX
    return _ATOM


class _Tail(enum.Enum):
    """What follows an expression in the printed text, which decides whether a `find` needs parentheses.

    A `find` ends in an open clause (`where e`, `order by k, …`, `limit e`)
    that swallows whatever follows it: operators, `order`, `limit`, and — after
    `order by` — a comma.
    """

    END = "end"  # a closing bracket, a keyword that no expression takes, or the end of a statement
    COMMA = "comma"  # a list separator
    MORE = "more"  # more of the same expression (an operator, `.`, `asc`, `order`, `for`, …)


def _find_needs_parens(find: ast.Find, tail: _Tail) -> bool:
    return tail is _Tail.MORE or (tail is _Tail.COMMA and bool(find.order))


def _swallows_comma(expr: ast.Expr) -> bool:
    """Whether `expr`, printed before a closing bracket, ends in an `order by` list that a comma would extend."""
    while True:
        if isinstance(expr, ast.Find):
            if expr.limit is not None:
                expr = expr.limit
            elif expr.order:
                return True
            elif expr.where is not None:
                expr = expr.where
            else:
                return False
        elif isinstance(expr, ast.Binary):
            if _prec(expr.right) <= _BINARY_PREC[expr.op]:  # printed in parentheses
                return False
            expr = expr.right
        elif isinstance(expr, ast.Unary):
            if _prec(expr.operand) < _prec(expr):
                return False
            expr = expr.operand
        elif isinstance(expr, ast.Quantifier):
            expr = expr.body
        else:
            return False


# ============================================================== canonical order

_HEADERS: tuple[type, ...] = (ast.Title, ast.Domain, ast.Description, ast.Policy, ast.Clock, ast.Seed)
_MODIFIERS: tuple[type, ...] = (ast.DefaultMod, ast.UniqueMod, ast.CheckMod, ast.DocMod)


def item_rank(item: ast.Item) -> int:
    """Headers first in a fixed order, then every other declaration (sorting is stable)."""
    return _HEADERS.index(type(item)) if type(item) in _HEADERS else len(_HEADERS)


def modifier_rank(mod: ast.FieldMod) -> int:
    """Field modifiers: default, unique, checks, doc (sorting is stable)."""
    return _MODIFIERS.index(type(mod))


def _blank_line_between(previous: ast.Item, item: ast.Item) -> bool:
    """Top-level declarations are one blank line apart, except within the header block and a run of errors."""
    if item_rank(previous) < len(_HEADERS) and item_rank(item) < len(_HEADERS):
        return False
    return not (isinstance(previous, ast.ErrorDecl) and isinstance(item, ast.ErrorDecl))


# ============================================================== formatter

_Node = TypeVar("_Node")  # any syntax node: each has a `span`


@dataclass(frozen=True, slots=True)
class _Entry:
    """One line-level element of a block: a comment or an item. Offsets are for blank-line detection."""

    doc: Doc
    start: int
    end: int


class _Formatter:
    def __init__(self, module: ast.Module, text: str) -> None:
        self.text = text
        self.comments = sorted(module.comments, key=lambda c: c.span.start)
        self.starts = [c.span.start for c in self.comments]
        self.taken = [False] * len(self.comments)

    # ---------------------------------------------------------------- the comment pool

    def take(self, lo: int, hi: int) -> list[ast.Comment]:
        """Remove and return the comments that start in [lo, hi)."""
        found = []
        for i in range(bisect.bisect_left(self.starts, lo), bisect.bisect_left(self.starts, hi)):
            if not self.taken[i]:
                self.taken[i] = True
                found.append(self.comments[i])
        return found

    def take_trailing(self, end: int, limit: int) -> ast.Comment | None:
        """The comment, before `limit`, on the source line where something ends at `end`."""
        i = bisect.bisect_left(self.starts, end)
        while i < len(self.comments) and self.taken[i]:
            i += 1
        if i == len(self.comments) or self.starts[i] >= limit or "\n" in self.text[end : self.starts[i]]:
            return None
        self.taken[i] = True
        return self.comments[i]

    def blank_between(self, end: int, start: int) -> bool:
        return self.text.count("\n", end, start) >= 2

    def after_trivia(self, pos: int) -> int:
        """The offset of the next character that is neither white space nor part of a comment."""
        text = self.text
        while pos < len(text):
            if text[pos].isspace():
                pos += 1
            elif text.startswith("//", pos):
                newline = text.find("\n", pos)
                pos = len(text) if newline < 0 else newline
            else:
                break
        return pos

    def expect(self, pos: int, char: str) -> int:
        """The offset of `char`, the next token after `pos` (skipping one separating comma)."""
        pos = self.after_trivia(pos)
        if self.text.startswith(",", pos) and char != ",":
            pos = self.after_trivia(pos + 1)
        if not self.text.startswith(char, pos):  # pragma: no cover - the parser guarantees the token
            raise AssertionError(f"expected {char!r} at offset {pos}")
        return pos

    @staticmethod
    def comment_doc(comment: ast.Comment) -> str:
        return comment.text.rstrip()

    # ---------------------------------------------------------------- line-level layout

    def lines(
        self,
        lo: int,
        hi: int,
        children: Sequence[_Node],
        render: Callable[[_Node], Doc],
        *,
        rank: Callable[[_Node], int] | None = None,
        gap: Callable[[_Node, _Node], bool] | None = None,
    ) -> list[Doc]:
        """The children of [lo, hi), one per line, each with its comments.

        `rank` reorders the children (stably) after their comments are attached;
        `gap` decides the blank line between two children; without it, one
        blank line is kept where the source had at least one.
        """
        groups: list[tuple[_Node, list[_Entry]]] = []
        previous_end = lo
        for i, child in enumerate(children):
            entries = [
                _Entry(self.comment_doc(c), c.span.start, c.span.end) for c in self.take(previous_end, child.span.start)
            ]
            doc = render(child)
            # Comments inside the child that no part of it could hold go first, on their own lines.
            entries += [
                _Entry(self.comment_doc(c), child.span.start, child.span.start)
                for c in self.take(child.span.start, child.span.end)
            ]
            limit = children[i + 1].span.start if i + 1 < len(children) else hi
            trailing = self.take_trailing(child.span.end, limit)
            end = child.span.end
            if trailing is not None:
                doc = [doc, _LineSuffix(" " + self.comment_doc(trailing))]
                end = trailing.span.end
            entries.append(_Entry(doc, child.span.start, end))
            groups.append((child, entries))
            previous_end = end
        dangling = [_Entry(self.comment_doc(c), c.span.start, c.span.end) for c in self.take(previous_end, hi)]
        if rank is not None:
            groups.sort(key=lambda group: rank(group[0]))

        out: list[Doc] = []
        last: _Entry | None = None
        last_child: _Node | None = None
        for child, entries in groups:
            for j, entry in enumerate(entries):
                if last is not None:
                    if j == 0 and gap is not None and last_child is not None:
                        blank = gap(last_child, child)
                    else:
                        blank = self.blank_between(last.end, entry.start)
                    out.append([HARDLINE, HARDLINE] if blank else HARDLINE)
                out.append(entry.doc)
                last = entry
            last_child = child
        source_end = previous_end  # dangling comments follow the last child *in the source*
        for entry in dangling:
            if out:
                out.append([HARDLINE, HARDLINE] if self.blank_between(source_end, entry.start) else HARDLINE)
            out.append(entry.doc)
            source_end = entry.end
        return out

    def braced(
        self,
        open_at: int,
        close_at: int,
        children: Sequence[_Node],
        render: Callable[[_Node], Doc],
        **options,
    ) -> Doc:
        """`{` children one per line `}`; `{}` when there is nothing inside.

        `close_at` may lie past the `}` (an `if`'s then-block reaches up to its
        `else`), so that a comment between the two stays inside the block.
        """
        first = children[0].span.start if children else close_at
        opening = self.take_trailing(open_at + 1, first)
        body = self.lines(open_at + 1, close_at, children, render, **options)
        if not body and opening is None:
            return "{}"
        head: Doc = ["{", _LineSuffix(" " + self.comment_doc(opening))] if opening is not None else "{"
        return [head, _Nest([HARDLINE, body]) if body else "", HARDLINE, "}"]

    def listed(
        self,
        lo: int,
        hi: int,
        items: Sequence[_Node],
        render: Callable[[_Node, _Tail], Doc],
        brackets: str,
        *,
        padded: bool = False,
        swallows_comma: Callable[[_Node], bool] = lambda item: False,
    ) -> Doc:
        """`(a, b)` on one line, or one item per line with a trailing comma; comments force the latter.

        [lo, hi) is the text between the brackets; `padded` puts spaces inside
        them on one line (`{ a, b }`). An item that ends in `order by …` gets no
        trailing comma, which it would take for one more key.
        """
        parts: list[Doc] = []
        previous_end = lo
        for i, item in enumerate(items):
            last = i == len(items) - 1
            if i:
                parts += [",", LINE]
            for comment in self.take(previous_end, item.span.start):
                parts += [self.comment_doc(comment), HARDLINE]
            doc = render(item, _Tail.END if last else _Tail.COMMA)
            for comment in self.take(item.span.start, item.span.end):
                parts += [self.comment_doc(comment), HARDLINE]
            parts.append(doc)
            limit = items[i + 1].span.start if i + 1 < len(items) else hi
            trailing = self.take_trailing(item.span.end, limit)
            previous_end = item.span.end
            if trailing is not None:
                parts += [_LineSuffix(" " + self.comment_doc(trailing)), BREAK_PARENT]
                previous_end = trailing.span.end
        if items and not swallows_comma(items[-1]):
            parts.append(_IfBreak(","))
        for comment in self.take(previous_end, hi):
            parts += [HARDLINE, self.comment_doc(comment)] if parts else [self.comment_doc(comment), BREAK_PARENT]
        open_, close = brackets
        if not parts:
            return open_ + close
        pad = LINE if padded else SOFTLINE
        return _Group([open_, _Nest([pad, parts]), pad, close])

    # ---------------------------------------------------------------- module and declarations

    def module(self, module: ast.Module) -> str:
        env = module.env
        assert env is not None
        body = self.lines(0, len(self.text), [env], self.env)
        return _render(body).rstrip("\n") + "\n"

    def env(self, env: ast.EnvDecl) -> Doc:
        brace = self.expect(env.name.span.end, "{")
        block = self.braced(brace, env.span.end - 1, env.items, self.item, rank=item_rank, gap=_blank_line_between)
        return ["env ", env.name.name, " ", block]

    def item(self, item: ast.Item) -> Doc:
        return getattr(self, "item_" + type(item).__name__)(item)

    def item_Title(self, item: ast.Title) -> Doc:
        return ["title ", item.text.raw]

    def item_Domain(self, item: ast.Domain) -> Doc:
        return ["domain ", item.name.name]

    def item_Description(self, item: ast.Description) -> Doc:
        return ["description ", item.text.raw]

    def item_Policy(self, item: ast.Policy) -> Doc:
        return ["policy ", item.text.raw]

    def item_Clock(self, item: ast.Clock) -> Doc:
        return ["clock ", item.text.raw]

    def item_Seed(self, item: ast.Seed) -> Doc:
        return ["seed ", item.path.raw, [" as ", item.entity.name] if item.entity else ""]

    def item_ErrorDecl(self, item: ast.ErrorDecl) -> Doc:
        return ["error ", item.name.name, [" ", item.doc.raw] if item.doc else ""]

    def item_EnumDecl(self, item: ast.EnumDecl) -> Doc:
        head = item.doc.span.end if item.doc else item.name.span.end
        brace = self.expect(head, "{")
        values = self.listed(brace + 1, item.span.end - 1, item.values, self.ident, "{}", padded=True)
        return ["enum ", item.name.name, [" ", item.doc.raw] if item.doc else "", " ", values]

    def item_EntityDecl(self, item: ast.EntityDecl) -> Doc:
        head = item.doc.span.end if item.doc else item.name.span.end
        brace = self.expect(head, "{")
        fields = self.braced(brace, item.span.end - 1, item.fields, self.field)
        return ["entity ", item.name.name, [" ", item.doc.raw] if item.doc else "", " ", fields]

    def item_ToolDecl(self, item: ast.ToolDecl) -> Doc:
        paren = self.expect(item.name.span.end, "(")
        after_params = item.params[-1].span.end if item.params else paren + 1
        swallows = lambda p: p.doc is None and p.default is not None and _swallows_comma(p.default)  # noqa: E731
        params = self.listed(
            paren + 1, self.expect(after_params, ")"), item.params, self.param, "()", swallows_comma=swallows
        )
        # After the parameters: `-> Type` on their line if it fits, else on its own; then the doc
        # and `raises` on that line if they fit, else each on its own. Once anything moved to
        # its own line, the body's brace does too, so that the body is not read as one more part.
        tail: list[Doc] = []
        if item.doc:
            tail += [LINE, item.doc.raw]
        if item.raises:
            tail += [LINE, "raises ", ", ".join(name.name for name in item.raises)]
        own_lines: Doc = [_Nest(tail), HARDLINE]
        after: Doc = _Group([_Nest(tail), LINE]) if tail else " "
        returns: Doc = ""
        if item.returns is not None:
            returns = _Group(_Nest([LINE, "-> ", self.type(item.returns)]))
            after = _IfBreak(own_lines, after, group=returns)
        body = self.braced(item.body.span.start, item.body.span.end - 1, item.body.stmts, self.stmt)
        return ["tool ", item.name.name, params, returns, after, body]

    def item_InvariantDecl(self, item: ast.InvariantDecl) -> Doc:
        return _Group(["invariant ", item.name.raw, ":", _Nest([LINE, self.expr(item.expr)])])

    def field(self, field: ast.FieldDecl) -> Doc:
        mods = sorted(field.mods, key=modifier_rank)
        parts: list[Doc] = ["key " if field.is_key else "", field.name.name, ": ", self.type(field.type)]
        if mods:
            parts.append(_Nest([[LINE, self.modifier(mod)] for mod in mods]))
        return _Group(parts)

    def modifier(self, mod: ast.FieldMod) -> Doc:
        if isinstance(mod, ast.DefaultMod):
            return ["= ", self.expr(mod.value)]
        if isinstance(mod, ast.UniqueMod):
            return "unique"
        if isinstance(mod, ast.CheckMod):
            return ["check ", self.expr(mod.cond)]
        return mod.text.raw

    def param(self, param: ast.Param, tail: _Tail) -> Doc:
        default_tail = _Tail.END if param.doc else tail
        default: Doc = [" = ", self.expr(param.default, tail=default_tail)] if param.default is not None else ""
        return [param.name.name, ": ", self.type(param.type), default, [" ", param.doc.raw] if param.doc else ""]

    def ident(self, ident: ast.Ident, tail: _Tail = _Tail.END) -> Doc:
        return ident.name

    # ---------------------------------------------------------------- types

    def type(self, type_: ast.TypeExpr) -> Doc:
        if isinstance(type_, ast.NamedType):
            return type_.name.name
        if isinstance(type_, ast.OptionalType):
            return [self.type(type_.inner), "?"]
        if isinstance(type_, ast.ListType):
            return ["list<", self.type(type_.inner), ">"]
        if isinstance(type_, ast.InlineEnum):
            brace = self.expect(type_.span.start + len("enum"), "{")
            return ["enum ", self.listed(brace + 1, type_.span.end - 1, type_.values, self.ident, "{}", padded=True)]
        return self.listed(
            type_.span.start + 1, type_.span.end - 1, type_.fields, self.record_type_field, "{}", padded=True
        )

    def record_type_field(self, field: ast.RecordTypeField, tail: _Tail) -> Doc:
        return [field.name.name, ": ", self.type(field.type)]

    # ---------------------------------------------------------------- statements

    def stmt(self, stmt: ast.Stmt) -> Doc:
        return getattr(self, "stmt_" + type(stmt).__name__)(stmt)

    def block(self, block: ast.Block, close_at: int | None = None) -> Doc:
        end = block.span.end - 1 if close_at is None else close_at
        return self.braced(block.span.start, end, block.stmts, self.stmt)

    def stmt_Let(self, stmt: ast.Let) -> Doc:
        return ["let ", stmt.name.name, " = ", self.expr(stmt.value)]

    def stmt_Require(self, stmt: ast.Require) -> Doc:
        message: Doc = [" ", stmt.message.text.raw] if stmt.message else ""
        return _Group(["require ", self.expr(stmt.cond), _Nest([LINE, "else ", stmt.error.name, message])])

    def stmt_Update(self, stmt: ast.Update) -> Doc:
        last = len(stmt.assignments) - 1
        assignments = [
            [a.field.name, " = ", self.expr(a.value, tail=_Tail.END if i == last else _Tail.COMMA)]
            for i, a in enumerate(stmt.assignments)
        ]
        return _Group(["update ", self.expr(stmt.target), " set", _Nest([LINE, _join([",", LINE], assignments)])])

    def stmt_Delete(self, stmt: ast.Delete) -> Doc:
        return ["delete ", self.expr(stmt.target)]

    def stmt_If(self, stmt: ast.If) -> Doc:
        if stmt.orelse is None:
            return ["if ", self.expr(stmt.cond), " ", self.block(stmt.then)]
        then = self.block(stmt.then, close_at=stmt.orelse.span.start)
        orelse = self.stmt_If(stmt.orelse) if isinstance(stmt.orelse, ast.If) else self.block(stmt.orelse)
        return ["if ", self.expr(stmt.cond), " ", then, " else ", orelse]

    def stmt_For(self, stmt: ast.For) -> Doc:
        return ["for ", stmt.var.name, " in ", self.expr(stmt.iterable), " ", self.block(stmt.body)]

    def stmt_Return(self, stmt: ast.Return) -> Doc:
        return "return" if stmt.value is None else ["return ", self.expr(stmt.value)]

    def stmt_ExprStmt(self, stmt: ast.ExprStmt) -> Doc:
        return self.expr(stmt.expr)

    # ---------------------------------------------------------------- expressions

    def expr(self, expr: ast.Expr, min_prec: int = _QUANTIFIER, tail: _Tail = _Tail.END) -> Doc:
        """`expr` where the grammar wants precedence `min_prec` or tighter, followed by `tail`."""
        if _prec(expr) < min_prec or (isinstance(expr, ast.Find) and _find_needs_parens(expr, tail)):
            # The parentheses indent their contents already: a chain inside does not indent again.
            inner = self.chain(expr, _Tail.END, nest=False) if isinstance(expr, ast.Binary) else self.expr(expr)
            return _Group(["(", _Nest([SOFTLINE, inner]), SOFTLINE, ")"])
        return getattr(self, "expr_" + type(expr).__name__)(expr, tail)

    def expr_IntLit(self, expr: ast.IntLit, tail: _Tail) -> Doc:
        written = self.text[expr.span.start : expr.span.end]
        return written if written.isdigit() and int(written) == expr.value else str(expr.value)

    def expr_DecimalLit(self, expr: ast.DecimalLit, tail: _Tail) -> Doc:
        return expr.text

    def expr_StringLit(self, expr: ast.StringLit, tail: _Tail) -> Doc:
        return expr.text.raw

    def expr_BoolLit(self, expr: ast.BoolLit, tail: _Tail) -> Doc:
        return "true" if expr.value else "false"

    def expr_NoneLit(self, expr: ast.NoneLit, tail: _Tail) -> Doc:
        return "none"

    def expr_Name(self, expr: ast.Name, tail: _Tail) -> Doc:
        return expr.ident.name

    def expr_Attr(self, expr: ast.Attr, tail: _Tail) -> Doc:
        return [self.expr(expr.obj, _POSTFIX, _Tail.MORE), ".", expr.name.name]

    def expr_Call(self, expr: ast.Call, tail: _Tail) -> Doc:
        paren = self.expect(expr.func.span.end, "(")
        args = self.listed(paren + 1, expr.span.end - 1, expr.args, self.element, "()", swallows_comma=_swallows_comma)
        return [expr.func.name, args]

    def element(self, expr: ast.Expr, tail: _Tail) -> Doc:
        return self.expr(expr, tail=tail)

    def expr_Unary(self, expr: ast.Unary, tail: _Tail) -> Doc:
        if expr.op == "not":
            return ["not ", self.expr(expr.operand, _NOT, tail)]
        operand = self.expr(expr.operand, _NEG, tail)
        nested = isinstance(expr.operand, ast.Unary) and expr.operand.op == "-"
        return ["- " if nested else "-", operand]  # `- -x`, not `--x`

    def chain(self, expr: ast.Binary, tail: _Tail, *, nest: bool = True) -> Doc:
        """`a and b and c`, `a + b - c`: on one line, or broken before every operator of the chain."""
        prec = _BINARY_PREC[expr.op]
        links: list[ast.Binary] = [expr]
        while prec != _COMPARE and isinstance(links[-1].left, ast.Binary) and _prec(links[-1].left) == prec:
            links.append(links[-1].left)  # left-associative: `a + b - c` is `(a + b) - c`
        links.reverse()
        first_prec = prec + 1 if prec == _COMPARE else prec  # comparisons do not chain
        rest = [
            [LINE, link.op, " ", self.expr(link.right, prec + 1, tail if link is expr else _Tail.MORE)]
            for link in links
        ]
        return _Group([self.expr(links[0].left, first_prec, _Tail.MORE), _Nest(rest) if nest else rest])

    def expr_Binary(self, expr: ast.Binary, tail: _Tail) -> Doc:
        return self.chain(expr, tail)

    def expr_ListLit(self, expr: ast.ListLit, tail: _Tail) -> Doc:
        return self.listed(
            expr.span.start + 1, expr.span.end - 1, expr.items, self.element, "[]", swallows_comma=_swallows_comma
        )

    def field_init(self, init: ast.FieldInit, tail: _Tail) -> Doc:
        return [init.name.name, ": ", self.expr(init.value, tail=tail)]

    def field_inits(self, brace: int, close: int, fields: Sequence[ast.FieldInit]) -> Doc:
        """`{ a: 1, b: 2 }` of a record or an `insert`, `brace` and `close` being the offsets of the braces."""
        swallows = lambda init: _swallows_comma(init.value)  # noqa: E731
        return self.listed(brace + 1, close, fields, self.field_init, "{}", padded=True, swallows_comma=swallows)

    def expr_RecordLit(self, expr: ast.RecordLit, tail: _Tail) -> Doc:
        return self.field_inits(expr.span.start, expr.span.end - 1, expr.fields)

    def expr_Insert(self, expr: ast.Insert, tail: _Tail) -> Doc:
        brace = self.expect(expr.entity.span.end, "{")
        return ["insert ", expr.entity.name, " ", self.field_inits(brace, expr.span.end - 1, expr.fields)]

    def expr_Find(self, expr: ast.Find, tail: _Tail) -> Doc:
        clauses: list[Doc] = []
        if expr.where is not None:
            where_tail = _Tail.MORE if expr.order or expr.limit is not None else tail
            clauses += [LINE, "where ", self.expr(expr.where, tail=where_tail)]
        if expr.order:
            keys = []
            for i, key in enumerate(expr.order):
                last = i == len(expr.order) - 1
                key_tail = _Tail.COMMA if not last else (_Tail.MORE if expr.limit is not None else tail)
                if key.explicit:
                    keys.append([self.expr(key.expr, tail=_Tail.MORE), " desc" if key.descending else " asc"])
                else:
                    keys.append(self.expr(key.expr, tail=key_tail))
            clauses += [LINE, "order by ", _join(", ", keys)]
        if expr.limit is not None:
            clauses += [LINE, "limit ", self.expr(expr.limit, tail=tail)]
        head = ["find ", "first " if expr.first else "", expr.var.name, " in ", expr.entity.name]
        return _Group([head, _Nest(clauses)]) if clauses else head

    def expr_Count(self, expr: ast.Count, tail: _Tail) -> Doc:
        where: Doc = [LINE, "where ", self.expr(expr.where)] if expr.where is not None else ""
        return _Group(["count(", _Nest([SOFTLINE, expr.var.name, " in ", expr.entity.name, where]), SOFTLINE, ")"])

    def expr_Sum(self, expr: ast.Sum, tail: _Tail) -> Doc:
        where: Doc = [LINE, "where ", self.expr(expr.where)] if expr.where is not None else ""
        value = self.expr(expr.value, tail=_Tail.MORE)
        source = [LINE, "for ", expr.var.name, " in ", expr.entity.name]
        return _Group(["sum(", _Nest([SOFTLINE, value, source, where]), SOFTLINE, ")"])

    def expr_Quantifier(self, expr: ast.Quantifier, tail: _Tail) -> Doc:
        # The body goes to its own line first; the `where` clause only if the head is still too long.
        where: Doc = _Nest([LINE, "where ", self.expr(expr.where, _OR, _Tail.MORE)]) if expr.where is not None else ""
        head = _Group([expr.kind, " ", expr.var.name, " in ", expr.entity.name, where, ":"])
        return _Group([head, _Nest([LINE, self.expr(expr.body, tail=tail)])])


# ============================================================== entry points


def format_module(module: ast.Module, text: str) -> str:
    """The canonical text of `module`, which was parsed from `text` (needed for comments and numbers).

    Raises ValueError when the module has no environment (it did not parse).
    """
    if module.env is None:
        raise ValueError(f"{module.path}: cannot format a file that did not parse")
    return _Formatter(module, text).module(module)


def format_text(text: str, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Parse and format one file: (canonical text, diagnostics), or (None, diagnostics) on a syntax error.

    Diagnostics that leave the tree whole (a bad `{…}` in a require message)
    come back with the formatted text: formatting keeps strings as written.
    """
    module, diagnostics = parse(text, path)
    if module.env is None:
        return None, diagnostics
    return format_module(module, text), diagnostics
