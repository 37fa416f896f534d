"""The editor features, as pure functions of an `Analysis` and a position.

Each returns lsprotocol values and never talks to the client; `server.py`
wires them to requests. Offsets are converted to positions only through
`Analysis.lines` (see `positions.py`).
"""

from __future__ import annotations

import functools
import re

from lsprotocol import types as lsp

from envdsl.lsp.analysis import Analysis
from envdsl.lsp.incremental import common_affixes
from envdsl.lsp.index import Kind, Occurrence, Symbol, SymbolKey
from envdsl.syntax import ast
from envdsl.syntax.fmt import format_text
from envdsl.syntax.parser import grammar

# ------------------------------------------------------------------ lookups


def occurrence_at(analysis: Analysis, position: lsp.Position) -> Occurrence | None:
    return analysis.index.at(analysis.lines.offset(position))


def symbol_at(analysis: Analysis, position: lsp.Position) -> Symbol | None:
    occ = occurrence_at(analysis, position)
    return analysis.index.symbols.get(occ.key) if occ is not None else None


def _location(analysis: Analysis, uri: str, start: int, end: int) -> lsp.Location:
    return lsp.Location(uri, analysis.lines.range(start, end))


# ------------------------------------------------------------------ hover


def hover(analysis: Analysis, position: lsp.Position) -> lsp.Hover | None:
    occ = occurrence_at(analysis, position)
    if occ is None:
        return None
    symbol = analysis.index.symbols[occ.key]
    text = describe(analysis, symbol)
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
        range=analysis.lines.range(occ.start, occ.end),
    )


def _code(text: str) -> str:
    return f"```envdsl\n{text}\n```"


def signature(analysis: Analysis, symbol: Symbol) -> str:
    """A tool's signature as one would write it, from the source."""
    decl = symbol.node
    assert isinstance(decl, ast.ToolDecl)
    text = analysis.text
    params = []
    for p in decl.params:
        part = f"{p.name.name}: {text[p.type.span.start : p.type.span.end]}"
        if p.default is not None:
            part += f" = {text[p.default.span.start : p.default.span.end]}"
        params.append(part)
    head = f"tool {decl.name.name}({', '.join(params)})"
    if decl.returns is not None:
        head += f" -> {symbol.type_text}"
    if decl.raises:
        head += "\n  raises " + ", ".join(r.name for r in decl.raises)
    return head


def _tool_errors(analysis: Analysis, symbol: Symbol) -> list[tuple[str, str]]:
    """Declared errors, plus `NotFound` when an entity parameter makes the checker add it."""
    decl = symbol.node
    assert isinstance(decl, ast.ToolDecl)
    names = [r.name for r in decl.raises]
    params = [analysis.index.symbols.get(k) for k in symbol.children]
    if any(p is not None and p.type.base.kind == "entity" for p in params) and "NotFound" not in names:
        names.append("NotFound")
    out = []
    for name in names:
        error = analysis.index.symbols.get(("error", name))
        out.append((name, error.doc if error is not None else ""))
    return out


def describe(analysis: Analysis, symbol: Symbol) -> str:
    """Markdown for a hover: a code line saying what the name is, then its docs."""
    index = analysis.index
    parts: list[str] = []
    kind = symbol.kind
    if kind is Kind.ENTITY:
        lines = [f"entity {symbol.name} {{"]
        for f in index.fields_of(symbol.name):
            key = "key " if isinstance(f.node, ast.FieldDecl) and f.node.is_key else ""
            lines.append(f"  {key}{f.name}: {f.type_text}")
        lines.append("}")
        parts.append(_code("\n".join(lines)))
    elif kind is Kind.FIELD:
        decl = symbol.node
        mods = ""
        if isinstance(decl, ast.FieldDecl):
            if decl.is_key:
                mods += " (key)"
            elif any(isinstance(m, ast.UniqueMod) for m in decl.mods):
                mods += " (unique)"
            default = next((m for m in decl.mods if isinstance(m, ast.DefaultMod)), None)
            if default is not None:
                mods += f" = {analysis.text[default.value.span.start : default.value.span.end]}"
        parts.append(_code(f"{symbol.container}.{symbol.name}: {symbol.type_text}{mods}"))
    elif kind is Kind.ENUM:
        values = ", ".join(index.symbols[k].name for k in symbol.children)
        parts.append(_code(f"enum {symbol.name} {{ {values} }}"))
    elif kind is Kind.ENUM_VALUE:
        parts.append(_code(f"{symbol.container}.{symbol.name}"))
        owner = index.symbols.get(("enum", symbol.container))
        if owner is not None and owner.doc:
            parts.append(f"A value of `{symbol.container}`: {owner.doc}")
    elif kind is Kind.TOOL:
        parts.append(_code(signature(analysis, symbol)))
    elif kind is Kind.PARAM:
        parts.append(_code(f"(parameter of {symbol.container}) {symbol.name}: {symbol.type_text}"))
    elif kind is Kind.ERROR:
        parts.append(_code(f"error {symbol.name}"))
        if symbol.span is None:
            parts.append("Built in: raised when an entity parameter names a row that does not exist.")
    elif kind in (Kind.LOCAL, Kind.LOOP, Kind.BOUND):
        label = {Kind.LOCAL: "local", Kind.LOOP: "loop variable", Kind.BOUND: "row variable"}[kind]
        parts.append(_code(f"({label}) {symbol.name}: {symbol.type}"))
    elif kind is Kind.BUILTIN:
        parts.append(_code(f"{symbol.name}(…)  // built-in function"))
    elif kind is Kind.SCALAR:
        parts.append(_code(f"{symbol.name}  // built-in type"))
    elif kind is Kind.ENV:
        parts.append(_code(f"env {symbol.name}"))
    else:
        parts.append(_code(f'invariant "{symbol.name}"'))
    if symbol.doc:
        parts.append(symbol.doc)
    if kind is Kind.TOOL:
        errors = _tool_errors(analysis, symbol)
        if errors:
            parts.append("Errors:\n" + "\n".join(f"- `{name}`" + (f": {doc}" if doc else "") for name, doc in errors))
        params = [index.symbols[k] for k in symbol.children]
        documented = [p for p in params if p.doc]
        if documented:
            parts.append("Parameters:\n" + "\n".join(f"- `{p.name}`: {p.doc}" for p in documented))
    return "\n\n".join(parts)


# ------------------------------------------------------------------ navigation


def definition(analysis: Analysis, uri: str, position: lsp.Position) -> lsp.Location | None:
    symbol = symbol_at(analysis, position)
    if symbol is None or symbol.span is None:
        return None
    return _location(analysis, uri, symbol.span.start, symbol.span.end)


def references(analysis: Analysis, uri: str, position: lsp.Position, include_declaration: bool) -> list[lsp.Location]:
    occ = occurrence_at(analysis, position)
    if occ is None:
        return []
    found = analysis.index.references(occ.key, include_declaration)
    return [_location(analysis, uri, o.start, o.end) for o in found]


def highlights(analysis: Analysis, position: lsp.Position) -> list[lsp.DocumentHighlight]:
    occ = occurrence_at(analysis, position)
    if occ is None:
        return []
    return [
        lsp.DocumentHighlight(
            analysis.lines.range(o.start, o.end),
            lsp.DocumentHighlightKind.Write if o.is_definition else lsp.DocumentHighlightKind.Read,
        )
        for o in analysis.index.references(occ.key)
    ]


# ------------------------------------------------------------------ document symbols

_SYMBOL_KINDS = {
    Kind.ENTITY: lsp.SymbolKind.Class,
    Kind.FIELD: lsp.SymbolKind.Field,
    Kind.ENUM: lsp.SymbolKind.Enum,
    Kind.ENUM_VALUE: lsp.SymbolKind.EnumMember,
    Kind.TOOL: lsp.SymbolKind.Function,
    Kind.PARAM: lsp.SymbolKind.Variable,
    Kind.ERROR: lsp.SymbolKind.Event,
    Kind.INVARIANT: lsp.SymbolKind.Boolean,
}


def document_symbols(analysis: Analysis) -> list[lsp.DocumentSymbol]:
    index = analysis.index
    env = index.symbols.get(("env",))
    if env is None or env.decl_span is None or env.span is None:
        return []

    def make(symbol: Symbol) -> lsp.DocumentSymbol:
        assert symbol.span is not None and symbol.decl_span is not None
        detail = symbol.type_text or None
        if symbol.kind is Kind.TOOL:
            detail = signature(analysis, symbol).split("\n")[0].removeprefix(f"tool {symbol.name}")
        children = [make(index.symbols[k]) for k in symbol.children if index.symbols[k].span is not None]
        return lsp.DocumentSymbol(
            name=symbol.name,
            kind=_SYMBOL_KINDS[symbol.kind],
            range=analysis.lines.range(symbol.decl_span.start, symbol.decl_span.end),
            selection_range=analysis.lines.range(symbol.span.start, symbol.span.end),
            detail=detail,
            children=children or None,
        )

    top = [
        s
        for s in index.symbols.values()
        if s.kind in (Kind.ENTITY, Kind.ENUM, Kind.TOOL, Kind.ERROR, Kind.INVARIANT) and s.span is not None
    ]
    top.sort(key=lambda s: s.decl_span.start if s.decl_span else 0)
    return [
        lsp.DocumentSymbol(
            name=env.name,
            kind=lsp.SymbolKind.Module,
            range=analysis.lines.range(env.decl_span.start, env.decl_span.end),
            selection_range=analysis.lines.range(env.span.start, env.span.end),
            detail=env.doc.split("\n")[0] or None,
            children=[make(s) for s in top],
        )
    ]


# ------------------------------------------------------------------ formatting


def formatting(analysis: Analysis) -> list[lsp.TextEdit] | None:
    """`envdsl fmt`'s output as one edit of the stretch that differs; None when the text does not parse.

    Replacing only what changed (not the whole document) keeps the editor's
    cursor, folds and undo history where they were.
    """
    text = analysis.text
    formatted, _ = format_text(text, analysis.path)
    if formatted is None:
        return None
    if formatted == text:
        return []
    prefix, suffix = common_affixes(text, formatted)
    # Never split a `\r\n`: a position inside it means the end of the line.
    if prefix and text[prefix - 1] == "\r":
        prefix -= 1
    if suffix and text[len(text) - suffix] == "\n" and text[len(text) - suffix - 1 : len(text) - suffix] == "\r":
        suffix -= 1
    where = analysis.lines.range(prefix, len(text) - suffix)
    return [lsp.TextEdit(where, formatted[prefix : len(formatted) - suffix])]


# ------------------------------------------------------------------ completion


@functools.cache
def keywords() -> tuple[str, ...]:
    """Every keyword of the grammar (the words among its anonymous string terminals)."""
    g = grammar()
    found = set()
    for term in g.lark.terminals:
        value = getattr(term.pattern, "value", None)
        if term.pattern.type == "str" and isinstance(value, str) and re.fullmatch(r"[A-Za-z_]+", value):
            found.add(value)
    return tuple(sorted(found))


_WORD_BEFORE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CHAIN_BEFORE_DOT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*)\s*\.\s*\Z")
_COMPLETION_KINDS = {
    Kind.ENTITY: lsp.CompletionItemKind.Class,
    Kind.FIELD: lsp.CompletionItemKind.Field,
    Kind.ENUM: lsp.CompletionItemKind.Enum,
    Kind.ENUM_VALUE: lsp.CompletionItemKind.EnumMember,
    Kind.TOOL: lsp.CompletionItemKind.Function,
    Kind.PARAM: lsp.CompletionItemKind.Variable,
    Kind.ERROR: lsp.CompletionItemKind.Event,
    Kind.LOCAL: lsp.CompletionItemKind.Variable,
    Kind.LOOP: lsp.CompletionItemKind.Variable,
    Kind.BOUND: lsp.CompletionItemKind.Variable,
    Kind.BUILTIN: lsp.CompletionItemKind.Function,
    Kind.SCALAR: lsp.CompletionItemKind.TypeParameter,
}


def _item(analysis: Analysis, symbol: Symbol, sort: str) -> lsp.CompletionItem:
    detail = symbol.type_text or (str(symbol.type) if symbol.type.kind != "unknown" else None)
    if symbol.kind is Kind.BUILTIN:
        detail = symbol.doc
    elif symbol.kind is Kind.ENUM_VALUE:
        detail = symbol.container
    return lsp.CompletionItem(
        label=symbol.name,
        kind=_COMPLETION_KINDS.get(symbol.kind, lsp.CompletionItemKind.Text),
        detail=detail,
        documentation=symbol.doc or None,
        sort_text=f"{sort}{symbol.name}",
    )


def completion(analysis: Analysis, stale: Analysis | None, position: lsp.Position) -> list[lsp.CompletionItem]:
    """Names in scope at `position`.

    While a user types, the text often does not parse (`reservation.` with no
    field yet). Then the names come from `stale`, the latest analysis that
    did parse; offsets before the cursor barely move while typing, so its
    scopes are close enough.
    """
    offset = analysis.lines.offset(position)
    before = analysis.text[:offset]
    word = _WORD_BEFORE.search(before)
    start = offset - (len(word.group(0)) if word else 0)
    source = analysis if analysis.parsed else (stale or analysis)
    dotted = _CHAIN_BEFORE_DOT.search(analysis.text[:start])
    if dotted:
        return _member_completion(source, [p.strip() for p in dotted.group(1).split(".")], start)
    return _name_completion(source, analysis.text[:start], start)


def _member_completion(analysis: Analysis, chain: list[str], offset: int) -> list[lsp.CompletionItem]:
    index = analysis.index
    head = chain[0]
    in_scope = {s.name: s for s in index.in_scope(offset)}
    row = index.row_at(offset)
    if head not in in_scope and len(chain) == 1 and ("enum", head) in index.symbols:
        enum = index.symbols[("enum", head)]
        return [_item(analysis, index.symbols[k], "0") for k in enum.children]
    if head in in_scope:
        ty = in_scope[head].type
    elif row is not None and ("field", row, head) in index.symbols:
        ty = index.symbols[("field", row, head)].type
    else:
        return []
    for name in chain[1:]:
        base = ty.base
        key = ("field", base.name, name)
        if base.kind != "entity" or key not in index.symbols:
            return []
        ty = index.symbols[key].type
    base = ty.base
    if base.kind != "entity":
        return []
    return [_item(analysis, f, "0") for f in index.fields_of(base.name)]


_AFTER_ERROR = re.compile(r"(\belse|\braises(\s+\w+\s*,)*)\s*\Z")
_AFTER_TYPE = re.compile(r"(:|->|list\s*<)\s*\Z")


def _name_completion(analysis: Analysis, before: str, offset: int) -> list[lsp.CompletionItem]:
    index = analysis.index
    if _AFTER_ERROR.search(before) and not before.rstrip().endswith("} else"):
        return [_item(analysis, s, "0") for s in index.of_kind(Kind.ERROR)]
    if _AFTER_TYPE.search(before) and index.at(offset - 1) is None and _in_declaration_head(analysis, offset):
        return [_item(analysis, s, "0") for s in index.of_kind(Kind.SCALAR, Kind.ENTITY, Kind.ENUM)]
    items: list[lsp.CompletionItem] = []
    seen: set[SymbolKey] = set()
    for symbol in reversed(index.in_scope(offset)):  # innermost first: a shadowing name wins
        if symbol.name not in {index.symbols[k].name for k in seen}:
            seen.add(symbol.key)
            items.append(_item(analysis, symbol, "0"))
    row = index.row_at(offset)
    if row is not None:
        items.extend(_item(analysis, f, "1") for f in index.fields_of(row))
    items.extend(_item(analysis, s, "2") for s in index.of_kind(Kind.ENUM_VALUE) if s.span is not None)
    items.extend(_item(analysis, s, "3") for s in index.of_kind(Kind.ENTITY, Kind.ENUM))
    items.extend(_item(analysis, s, "4") for s in index.of_kind(Kind.BUILTIN))
    items.extend(
        lsp.CompletionItem(label=k, kind=lsp.CompletionItemKind.Keyword, sort_text=f"5{k}") for k in keywords()
    )
    return items


def _in_declaration_head(analysis: Analysis, offset: int) -> bool:
    """A `:` or `->` that starts a type: in an entity body or a tool's parameter list, not in an expression."""
    index = analysis.index
    for symbol in index.of_kind(Kind.ENTITY, Kind.TOOL):
        decl = symbol.node
        if symbol.decl_span is None or not (symbol.decl_span.start <= offset <= symbol.decl_span.end):
            continue
        if isinstance(decl, ast.ToolDecl):
            return offset < decl.body.span.start
        return True
    return False
