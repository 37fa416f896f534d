"""Seed text to raw rows: YAML and CSV read into one located, untyped shape.

The rule of this module: every value keeps the span of its text in the seed
file, and nothing here knows the spec. A YAML scalar keeps its source text
and the kind YAML resolved for it (so `12.50` stays `12.50`, exactly); a CSV
cell is `text`, or `null` when empty. Typing against the spec happens in
`convert.py`, validation in `load.py`.

YAML is read with ruamel.yaml's composer (YAML 1.2: `yes` is text, `010` is
ten): its node graph has the marks of every scalar, mapping and sequence, and
the source text of each scalar. Merge keys (`<<: *defaults`) are expanded;
anchors and aliases resolve to the anchored node (and its span).

Two readers build the same raw rows. `read_yaml` is the exact one
(ruamel's pure-Python round-trip composer, whose marks every diagnostic
relies on). `read_yaml_fast` composes the same node graph with
libyaml (PyYAML's C parser, about ten times faster) and resolves plain
scalars with ruamel's own YAML 1.2 rules, so kinds and texts are the same;
it returns None when it cannot vouch for the result (no libyaml, a `%YAML`
or `%TAG` directive, any parse error). `load.py` uses the fast reader first
and re-reads with the exact one whenever anything is to be reported, so
diagnostics always come from the exact reader.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import implicit_resolvers as _RUAMEL_IMPLICIT_RESOLVERS

try:  # libyaml through PyYAML: the fast reader; without it every read is exact
    import yaml as _pyyaml
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML is a core dependency, libyaml may be missing
    _pyyaml = None
    _CParser = None

from envdsl.diagnostics import messages
from envdsl.diagnostics.diagnostic import Diagnostic
from envdsl.diagnostics.span import SourceFile, Span

PROVENANCE = "provenance"
_CORE_TAG = "tag:yaml.org,2002:"
_SCALAR_KINDS = ("null", "bool", "int", "float", "str", "timestamp")


@dataclass(frozen=True, slots=True)
class RawValue:
    """A value as written. `kind` is one of null, bool, int, float, str,
    timestamp (as YAML resolved it), text (a CSV cell), mapping, sequence."""

    kind: str
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class RawField:
    name: str
    name_span: Span
    value: RawValue


@dataclass(frozen=True, slots=True)
class RawRow:
    fields: tuple[RawField, ...]
    span: Span  # where errors about the row as a whole point


@dataclass(frozen=True, slots=True)
class RawColumn:
    name: str
    span: Span


@dataclass
class RawTable:
    """The rows one seed file gives one entity."""

    entity: str
    name_span: Span  # the entity's name in the file (a CSV seed: the `seed` line of the spec)
    rows: list[RawRow] = field(default_factory=list)
    header: tuple[RawColumn, ...] | None = None  # CSV only
    header_span: Span | None = None


@dataclass
class RawSeed:
    tables: list[RawTable] = field(default_factory=list)
    provenance: dict[str, Any] | None = None


@dataclass
class ReadResult:
    """`seed` is None when the file cannot be parsed at all (E0402)."""

    seed: RawSeed | None
    diagnostics: list[Diagnostic]


# ------------------------------------------------------------------ YAML


# A node of either composer (ruamel's or PyYAML's): both have `id` ("scalar",
# "sequence", "mapping"), `tag`, `value`, `start_mark` and `end_mark`.
Node = Any


def read_yaml(source: SourceFile) -> ReadResult:
    """Read a YAML seed with the exact reader (ruamel's round-trip composer)."""
    try:
        root = YAML(typ="rt").compose(source.text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        offset = source.offset(mark.line + 1, mark.column + 1) if mark is not None else 0
        detail = ": ".join(part for part in (error.context, error.problem) if part) or "invalid YAML"
        return ReadResult(None, [messages.seed_syntax(Span(source.path, offset, offset + 1), detail)])
    except YAMLError as error:
        return ReadResult(None, [messages.seed_syntax(Span(source.path, 0, 0), str(error))])
    return _YamlReader(source).read(root)


_DIRECTIVE = re.compile(r"^%", re.MULTILINE)


def _yaml12_resolver() -> type | None:
    """A PyYAML resolver with exactly ruamel's YAML 1.2 implicit rules (so `yes` is text, `010` is ten)."""
    if _pyyaml is None:
        return None

    class Yaml12Resolver(_pyyaml.resolver.BaseResolver):
        yaml_implicit_resolvers: dict = {}

    for versions, tag, regexp, first in _RUAMEL_IMPLICIT_RESOLVERS:
        if (1, 2) in versions:
            # ruamel wraps its patterns in a lazy proxy that is slow to call: compile the same pattern.
            Yaml12Resolver.add_implicit_resolver(tag, re.compile(regexp.pattern, regexp.flags), first)
    return Yaml12Resolver


def _fast_composer() -> type | None:
    """libyaml's parser and composer with the YAML 1.2 resolver (no constructor: nodes are all we need)."""
    resolver = _yaml12_resolver()
    if _CParser is None or resolver is None:
        return None

    class FastComposer(_CParser, resolver):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            resolver.__init__(self)

    return FastComposer


_FAST_COMPOSER = _fast_composer()


def read_yaml_fast(source: SourceFile) -> ReadResult | None:
    """The same result as `read_yaml` from libyaml, or None when it cannot vouch for it."""
    if _FAST_COMPOSER is None or _DIRECTIVE.search(source.text):
        return None  # a directive may switch YAML versions: leave it to ruamel
    composer = _FAST_COMPOSER(source.text)
    try:
        root = composer.get_single_node()
        return _YamlReader(source).read(root)
    except Exception:  # noqa: BLE001 - any trouble: the exact reader decides and explains
        return None
    finally:
        composer.dispose()


class _YamlReader:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def span(self, node: Node, *, first_line: bool = False) -> Span:
        start = self.source.offset(node.start_mark.line + 1, node.start_mark.column + 1)
        end = self.source.offset(node.end_mark.line + 1, node.end_mark.column + 1)
        if first_line or node.id in ("mapping", "sequence"):
            # A mapping or list spans many lines; errors about it point at its first line.
            line, col = self.source.line_col(start)
            end = min(end, start - (col - 1) + len(self.source.line_text(line)))
        return Span(self.source.path, start, max(start, end))

    def read(self, root: Node | None) -> ReadResult:
        seed = RawSeed()
        if root is None:
            return ReadResult(seed, [])
        if root.id != "mapping":
            self.diagnostics.append(
                messages.seed_shape(
                    self.span(root),
                    "a YAML seed must be a mapping from entity names to lists of rows",
                    help="write `Flight:` then one `- field: value` item per row",
                )
            )
            return ReadResult(seed, self.diagnostics)
        seen: dict[str, Span] = {}
        for key, value in self.pairs(root):
            if not _is_name(key):
                self.diagnostics.append(messages.seed_shape(self.span(key), "expected an entity name here"))
                continue
            name, name_span = key.value, self.span(key)
            if name in seen:
                self.diagnostics.append(messages.seed_duplicate_entry(name_span, f"`{name}`", seen[name]))
                continue
            seen[name] = name_span
            if name == PROVENANCE:
                if value.id == "mapping":
                    seed.provenance = _plain(value)
                elif not _is_null(value):
                    self.diagnostics.append(
                        messages.seed_shape(self.span(value), "`provenance` must be a mapping of notes")
                    )
                continue
            seed.tables.append(self.table(name, name_span, value))
        return ReadResult(seed, self.diagnostics)

    def table(self, name: str, name_span: Span, node: Node) -> RawTable:
        table = RawTable(name, name_span)
        if _is_null(node):
            return table
        if node.id != "sequence":
            self.diagnostics.append(
                messages.seed_shape(
                    self.span(node),
                    f"the rows of `{name}` must be a list",
                    help="write one `- field: value` item per row",
                )
            )
            return table
        for item in node.value:
            if item.id != "mapping":
                self.diagnostics.append(
                    messages.seed_shape(
                        self.span(item), f"a row of `{name}` must be a mapping of field names to values"
                    )
                )
                continue
            row = self.row(item)
            if row is not None:
                table.rows.append(row)
        return table

    def row(self, node: Node) -> RawRow | None:
        fields: list[RawField] = []
        seen: dict[str, Span] = {}
        for key, value in self.pairs(node):
            if not _is_name(key):
                self.diagnostics.append(messages.seed_shape(self.span(key), "expected a field name here"))
                continue
            key_span = self.span(key)
            if key.value in seen:
                self.diagnostics.append(
                    messages.seed_duplicate_entry(key_span, f"field `{key.value}`", seen[key.value])
                )
                continue
            seen[key.value] = key_span
            fields.append(RawField(key.value, key_span, self.value(value, key_span)))
        return RawRow(tuple(fields), self.span(node, first_line=True))

    def value(self, node: Node, key_span: Span) -> RawValue:
        if node.id == "mapping":
            return RawValue("mapping", "", self.span(node))
        if node.id == "sequence":
            return RawValue("sequence", "", self.span(node))
        kind = _scalar_kind(node)
        if kind == "null" and node.value == "":
            # `price:` with nothing after it: YAML marks the next token; point at the key.
            return RawValue("null", "", key_span)
        return RawValue(kind, _text(node), self.span(node))

    def pairs(self, node: Node) -> list[tuple[Node, Node]]:
        """The mapping's pairs, with merge keys (`<<`) expanded: explicit keys win."""
        explicit = [(k, v) for k, v in node.value if k.tag != _CORE_TAG + "merge"]
        merged: list[tuple[Node, Node]] = []
        for key, value in node.value:
            if key.tag != _CORE_TAG + "merge":
                continue
            sources = value.value if value.id == "sequence" else [value]
            for source in sources:
                if source.id == "mapping":
                    merged.extend(self.pairs(source))
                else:
                    self.diagnostics.append(messages.seed_shape(self.span(source), "`<<` merges only mappings"))
        names = {k.value for k, _ in explicit if k.id == "scalar"}
        out = list(explicit)
        for key, value in merged:
            if key.id == "scalar" and key.value not in names:
                names.add(key.value)
                out.append((key, value))
        return out


def _scalar_kind(node: Node) -> str:
    if node.tag.startswith(_CORE_TAG):
        kind = node.tag[len(_CORE_TAG) :]
        if kind in _SCALAR_KINDS:
            return kind
    return "str"


def _text(node: Node) -> str:
    """A scalar's text. ruamel's round-trip composer marks the line folds of a
    `>` block scalar with BEL characters (its constructor strips them); libyaml
    does not. A literal BEL cannot appear in a block scalar, so removing them
    is exact."""
    return node.value.replace("\a", "") if node.style == ">" else node.value


def _is_name(node: Node) -> bool:
    return node.id == "scalar" and _scalar_kind(node) == "str" and node.value != ""


def _is_null(node: Node) -> bool:
    return node.id == "scalar" and _scalar_kind(node) == "null"


def _plain(node: Node) -> Any:
    """Provenance notes as JSON-compatible data (scalars keep their text unless
    YAML resolved them to a number, a bool or null)."""
    if node.id == "mapping":
        return {str(_plain(k)): _plain(v) for k, v in node.value}
    if node.id == "sequence":
        return [_plain(item) for item in node.value]
    kind = _scalar_kind(node)
    text = _text(node)
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        value = parse_yaml_int(text)
        return value if value is not None else text
    return text


def parse_yaml_int(text: str) -> int | None:
    """A YAML 1.2 integer: decimal (leading zeros allowed), 0x…, 0o…, 0b…, with `_` separators."""
    body = text.replace("_", "")
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    bases = {"0x": 16, "0o": 8, "0b": 2}
    try:
        if body[:2].lower() in bases:
            return sign * int(body[2:], bases[body[:2].lower()])
        return sign * int(body, 10)
    except ValueError:
        return None


# ------------------------------------------------------------------ CSV


def read_csv(source: SourceFile, entity: str, entity_span: Span) -> ReadResult:
    """A header row of field names, then one row per record; an empty cell is null."""
    lines = source.text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    consumed = 0

    def feed():
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line

    reader = csv.reader(feed(), strict=True)
    table = RawTable(entity, entity_span)
    diagnostics: list[Diagnostic] = []
    while True:
        first_line = consumed
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            # Point at the record's first quote (usually the one never closed), else at its start.
            begin = starts[first_line]
            quote = source.text.find('"', begin, starts[consumed])
            offset = quote if quote >= 0 else begin
            return ReadResult(None, [messages.seed_syntax(Span(source.path, offset, offset + 1), str(error))])
        if not record:
            continue  # a blank line
        begin, end = starts[first_line], starts[consumed]
        raw = source.text[begin:end].rstrip("\r\n")
        cells = _cell_spans(raw, begin)
        row_span = Span(source.path, begin, begin + len(raw))
        if len(cells) != len(record):  # a quoted newline or a stray quote: point at the whole record
            cells = [(begin, begin + len(raw))] * len(record)
        if table.header is None:
            header, ok = _header(record, cells, source.path, diagnostics)
            if not ok:
                return ReadResult(RawSeed([]), diagnostics)
            table.header, table.header_span = header, row_span
            continue
        if len(record) != len(table.header):
            diagnostics.append(
                messages.seed_shape(
                    row_span,
                    f"this row has {len(record)} cell{'s' if len(record) != 1 else ''}, the header has {len(table.header)}",
                )
            )
            continue
        fields = tuple(
            RawField(
                column.name, column.span, RawValue("null" if cell == "" else "text", cell, Span(source.path, *span))
            )
            for column, cell, span in zip(table.header, record, cells)
        )
        table.rows.append(RawRow(fields, row_span))
    if table.header is None:
        diagnostics.append(
            messages.seed_shape(
                entity_span, f"the CSV seed of `{entity}` has no header row", help="the first line names the fields"
            )
        )
        return ReadResult(RawSeed([]), diagnostics)
    return ReadResult(RawSeed([table]), diagnostics)


def _header(
    record: list[str], cells: list[tuple[int, int]], path: str, diagnostics: list[Diagnostic]
) -> tuple[tuple[RawColumn, ...], bool]:
    columns: list[RawColumn] = []
    seen: dict[str, Span] = {}
    ok = True
    for name, (start, end) in zip(record, cells):
        span = Span(path, start, end)
        name = name.strip()
        if not name:
            diagnostics.append(messages.seed_shape(span, "a column of the header row has no name"))
            ok = False
        elif name in seen:
            diagnostics.append(messages.seed_duplicate_entry(span, f"column `{name}`", seen[name]))
            ok = False
        else:
            seen[name] = span
        columns.append(RawColumn(name, span))
    return tuple(columns), ok


def _cell_spans(raw: str, base: int) -> list[tuple[int, int]]:
    """Start and end offsets of each cell of one record (quotes respected)."""
    spans: list[tuple[int, int]] = []
    start = 0
    quoted = False
    for i, ch in enumerate(raw):
        if ch == '"':
            quoted = not quoted  # a doubled quote flips twice
        elif ch == "," and not quoted:
            spans.append((base + start, base + i))
            start = i + 1
    spans.append((base + start, base + len(raw)))
    return spans
