"""Seed files to a validated initial state: `load_seed(env, spec_dir, sources)`.

Every problem is reported in one run, each pointing at the value in the seed
file it is about. Only a file that cannot be read or parsed stops the run
(after every seed file has been tried): without its rows, later checks would
report nonsense. The work, in order:

1. read each `seed` of the spec (YAML, or CSV for `seed "x.csv" as Entity`)
   into located raw rows (`raw.py`) and add its text to `sources`;
2. per row: unknown entities and fields, values converted to their types
   (`convert.py`), omitted fields filled from their defaults, required fields
   that are missing;
3. keys generated for rows that leave out a `next_id` key (see below),
   duplicate keys, dangling references, `unique` fields, each field `check`;
4. every invariant, on the seeded state, only when steps 1-3 found no
   structural problem (E0403-E0409): on a state with rows missing, an
   invariant's verdict would be noise. Check and unique violations leave the
   rows in place, so invariants still run after them.

An empty CSV cell is null; for a field that has a default and is not
optional (null is not a value of it), it means the default instead, as
leaving the field out of a YAML row does.

`next_id` keys. A seed row may give its `next_id` key explicitly (it must,
when other rows refer to it) or leave it out (an empty CSV cell). Left-out keys are generated in
the order the rows appear (seed files in the spec's order, rows in file
order) as the prefix followed by 1 + the largest number `N` of any key of
the entity spelled exactly prefix + N, or 1 if there is none; explicit keys
never collide with generated ones. The runtime continues the same rule.

Defaults of omitted fields are evaluated with the reference evaluator:
`now()` and `today()` read the spec's clock.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from envdsl.diagnostics import messages
from envdsl.diagnostics.diagnostic import Diagnostic
from envdsl.diagnostics.span import SourceMap, Span
from envdsl.ir import nodes as ir
from envdsl.ir import types as t
from envdsl.ir.evaluate import EMPTY_STATE, EvaluationError, State, evaluate
from envdsl.seed.convert import convert
from envdsl.seed.data import SeedData
from envdsl.seed.raw import RawRow, RawSeed, RawTable, read_csv, read_yaml, read_yaml_fast

# Read YAML seeds with the fast reader first (see raw.py); set to False to
# always use the exact one (the benchmark's baseline).
FAST_YAML = True


def load_seed(env: ir.Env, spec_dir: Path, sources: SourceMap) -> tuple[SeedData | None, list[Diagnostic]]:
    """Read and validate every seed of `env`. Returns the data only when there is no error.

    A clean seed is read once, with the fast YAML reader. Whenever the fast
    run has anything to report, the whole load runs again with the exact
    reader, so every diagnostic (and its order) is what the exact reader gives.
    """
    if FAST_YAML:
        seed, diagnostics = _load_seed(env, spec_dir, sources, fast=True)
        if seed is not None and not diagnostics:
            return seed, diagnostics
    return _load_seed(env, spec_dir, sources, fast=False)


def _load_seed(
    env: ir.Env, spec_dir: Path, sources: SourceMap, *, fast: bool
) -> tuple[SeedData | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    files: list[tuple[str, RawSeed]] = []
    failed = False
    for ref in env.seeds:
        shown = seed_path(env, ref)
        text, problem = _read(spec_dir / ref.path, ref, shown)
        if problem is not None:
            diagnostics.append(problem)
            failed = True
            continue
        assert text is not None
        source = sources.add(shown, text)
        if _is_csv(ref):
            if ref.entity is None:
                diagnostics.append(
                    messages.seed_entity_mismatch(
                        ref.span, "a CSV seed must name its entity", help=f'write `seed "{ref.path}" as Entity`'
                    )
                )
                failed = True
                continue
            result = read_csv(source, ref.entity, ref.span)
        else:
            if ref.entity is not None:
                diagnostics.append(
                    messages.seed_entity_mismatch(
                        ref.span, "a YAML seed names its entities inside the file", help=f"remove `as {ref.entity}`"
                    )
                )
                failed = True
                continue
            result = (read_yaml_fast(source) if fast else None) or read_yaml(source)
        diagnostics.extend(result.diagnostics)
        if result.seed is None:
            failed = True
        else:
            files.append((shown, result.seed))
    if failed:
        return None, sorted(diagnostics, key=Diagnostic.sort_key)
    validator = _Validator(env, sources, structural=bool(diagnostics))
    validator.run([seed for _, seed in files])
    diagnostics.extend(validator.diagnostics)
    if diagnostics:
        return None, sorted(diagnostics, key=Diagnostic.sort_key)
    provenance = {shown: seed.provenance for shown, seed in files if seed.provenance is not None}
    return SeedData.build(env, validator.clean_rows(), provenance), []


def seed_path(env: ir.Env, ref: ir.SeedRef) -> str:
    """The seed file's path as diagnostics show it: beside the spec's path."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(env.path), ref.path))


def _is_csv(ref: ir.SeedRef) -> bool:
    suffix = PurePosixPath(ref.path).suffix.lower()
    return suffix == ".csv" or (ref.entity is not None and suffix not in (".yaml", ".yml"))


def _read(path: Path, ref: ir.SeedRef, shown: str) -> tuple[str | None, Diagnostic | None]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, messages.seed_missing(ref.span, ref.path)
    except OSError as error:
        return None, messages.unreadable_file(ref.span, shown, error.strerror or str(error))
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return None, messages.seed_syntax(ref.span, f"`{shown}` is not UTF-8 text (byte {error.start})")


# ------------------------------------------------------------------ validation


@dataclass
class _Row:
    entity: ir.Entity
    span: Span
    values: dict[str, Any] = field(default_factory=dict)  # fields that have a valid value
    spans: dict[str, Span] = field(default_factory=dict)  # where each given value is written
    bad: bool = False  # a field is missing or did not convert
    duplicate: bool = False  # its key was taken by an earlier row

    @property
    def key(self) -> Any:
        return self.values.get(self.entity.key)

    def value_span(self, name: str) -> Span:
        return self.spans.get(name, self.span)


class _Validator:
    def __init__(self, env: ir.Env, sources: SourceMap, *, structural: bool) -> None:
        self.env = env
        self.sources = sources
        self.diagnostics: list[Diagnostic] = []
        self.structural = structural  # a problem that leaves the state incomplete
        self.rows: list[_Row] = []
        self.index: dict[str, dict[Any, _Row]] = {e.name: {} for e in env.entities}
        self.defaults: dict[tuple[str, str], tuple[Any, bool]] = {}

    def report(self, diagnostic: Diagnostic, *, structural: bool = True) -> None:
        self.diagnostics.append(diagnostic)
        self.structural = self.structural or structural

    def run(self, seeds: list[RawSeed]) -> None:
        for seed in seeds:
            for table in seed.tables:
                self.table(table)
        self.generate_keys()
        self.index_keys()
        self.check_references()
        self.check_unique()
        state = State.from_rows(self.env, self.clean_rows())
        self.check_checks(state)
        if not self.structural:
            self.check_invariants(state)

    def clean_rows(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {e.name: [] for e in self.env.entities}
        for row in self.rows:
            if not row.bad and not row.duplicate:
                out[row.entity.name].append(row.values)
        return out

    # -------------------------------------------------------------- rows

    def table(self, table: RawTable) -> None:
        names = [e.name for e in self.env.entities]
        if table.entity not in names:
            self.report(messages.seed_unknown_entity(table.name_span, table.entity, names))
            return
        entity = self.env.entity(table.entity)
        field_names = [f.name for f in entity.fields]
        reported: set[str] = set()  # CSV columns already reported once, at the header
        if table.header is not None:
            for column in table.header:
                if entity.field(column.name) is None:
                    self.report(messages.seed_unknown_field(column.span, entity.name, column.name, field_names))
                    reported.add(column.name)
            given = {c.name for c in table.header}
            missing = [f.name for f in entity.fields if f.required and f.name not in given]
            if missing:
                assert table.header_span is not None
                self.report(messages.seed_missing_column(table.header_span, entity.name, missing))
                reported.update(missing)
        for raw in table.rows:
            self.rows.append(self.row(entity, raw, reported, csv=table.header is not None))

    def row(self, entity: ir.Entity, raw: RawRow, reported: set[str], *, csv: bool) -> _Row:
        row = _Row(entity, raw.span)
        for given in raw.fields:
            decl = entity.field(given.name)
            if decl is None:
                if given.name not in reported:
                    names = [f.name for f in entity.fields]
                    self.report(messages.seed_unknown_field(given.name_span, entity.name, given.name, names))
                continue
            if (
                csv
                and given.value.kind == "null"
                and decl.default is not None
                and not isinstance(decl.type, t.OptionalT)
            ):
                continue  # a CSV row cannot leave a cell out: empty means "the default" where none is not a value
            value, reason = convert(given.value, decl.type, self.env)
            row.spans[decl.name] = given.value.span
            if reason is not None:
                self.report(messages.seed_bad_value(given.value.span, entity.name, decl.name, str(decl.type), reason))
                row.bad = True
                continue
            row.values[decl.name] = value
        missing: list[str] = []
        for decl in entity.fields:
            if decl.name in row.spans:
                continue
            if isinstance(decl.default, ir.NextId):
                continue  # generated later, once every explicit key is known
            if decl.default is not None:
                value, ok = self.default(entity, decl)
                row.values[decl.name] = value
                row.bad = row.bad or not ok
            elif isinstance(decl.type, t.OptionalT):
                row.values[decl.name] = None
            else:
                missing.append(decl.name)
                row.bad = True
        unreported = [name for name in missing if name not in reported]
        if unreported:
            self.report(messages.seed_missing_field(raw.span, entity.name, unreported))
        return row

    def default(self, entity: ir.Entity, decl: ir.Field) -> tuple[Any, bool]:
        """The value of a field's default (computed once), and whether it could be computed."""
        slot = (entity.name, decl.name)
        if slot not in self.defaults:
            assert decl.default is not None
            try:
                self.defaults[slot] = (evaluate(decl.default, {}, EMPTY_STATE, self.env), True)
            except EvaluationError as error:
                reason = f"its default cannot be computed: {error}"
                self.report(messages.seed_bad_value(decl.default.span, entity.name, decl.name, str(decl.type), reason))
                self.defaults[slot] = (None, False)
        return self.defaults[slot]

    # -------------------------------------------------------------- keys and references

    def generate_keys(self) -> None:
        for entity in self.env.entities:
            default = entity.key_field.default
            if not isinstance(default, ir.NextId):
                continue
            rows = [row for row in self.rows if row.entity is entity]
            pattern = re.compile(re.escape(default.prefix) + r"([0-9]+)\Z")
            numbers = [int(m.group(1)) for row in rows if isinstance(row.key, str) and (m := pattern.match(row.key))]
            following = max(numbers, default=0) + 1
            for row in rows:
                if entity.key not in row.spans:
                    row.values[entity.key] = f"{default.prefix}{following}"
                    following += 1

    def index_keys(self) -> None:
        for row in self.rows:
            name = row.entity.key
            if name not in row.values:
                continue  # the key itself is missing or bad: already reported
            table = self.index[row.entity.name]
            first = table.get(row.key)
            if first is not None:
                self.report(
                    messages.seed_duplicate_key(
                        row.value_span(name), row.entity.name, _show(row.key), first.value_span(name)
                    )
                )
                row.duplicate = True
            else:
                table[row.key] = row

    def check_references(self) -> None:
        for row in self.rows:
            for decl in row.entity.fields:
                target = t.strip_optional(decl.type)
                value = row.values.get(decl.name)
                if not isinstance(target, t.EntityT) or value is None:
                    continue
                keys = self.index[target.name]
                if value not in keys:
                    candidates = [_show(k) for k in keys]
                    self.report(
                        messages.seed_dangling(
                            row.value_span(decl.name), row.entity.name, decl.name, target.name, _show(value), candidates
                        )
                    )

    def check_unique(self) -> None:
        for entity in self.env.entities:
            for decl in entity.fields:
                if not decl.unique or decl.is_key:
                    continue
                seen: dict[Any, _Row] = {}
                for row in self.rows:
                    value = row.values.get(decl.name)
                    if row.entity is not entity or row.duplicate or value is None:
                        continue  # none never collides, as in SQL
                    first = seen.setdefault(value, row)
                    if first is not row:
                        self.report(
                            messages.seed_unique_violation(
                                row.value_span(decl.name),
                                entity.name,
                                decl.name,
                                _show(value),
                                first.value_span(decl.name),
                            ),
                            structural=False,
                        )

    # -------------------------------------------------------------- checks and invariants

    def check_checks(self, state: State) -> None:
        for row in self.rows:
            if row.duplicate:
                continue
            for decl in row.entity.fields:
                for check in decl.checks:
                    used = _row_fields(check)
                    if any(name not in row.values for name in used):
                        continue  # a value it reads is missing or bad: already reported
                    try:
                        holds = evaluate(check, {"_row": row.values}, state, self.env)
                        reason = None
                    except EvaluationError as error:
                        holds, reason = False, f"it cannot be evaluated: {error}"
                    if holds:
                        continue
                    detail = reason or self.check_detail(check, used, row)
                    where = next((row.spans[name] for name in used if name in row.spans), row.span)
                    self.report(
                        messages.seed_check_violation(where, row.entity.name, check.span, detail), structural=False
                    )

    def check_detail(self, check: ir.Expr, used: list[str], row: _Row) -> str:
        source = self.sources.get(check.span.path)
        text = " ".join(source.text[check.span.start : check.span.end].split()) if source else "the check"
        values = ", ".join(f"{name} = {_literal(row.values[name])}" for name in used)
        return f"`{text}` is false" + (f" ({values})" if values else "")

    def check_invariants(self, state: State) -> None:
        """Quantified invariants are judged row by row, so that a failure names its row."""
        seeded_here = self.env.seeds[0].span if self.env.seeds else self.env.span
        for invariant in self.env.invariants:
            expr = invariant.expr
            quantifier, offender_when = None, False
            if isinstance(expr, ir.Quantifier) and expr.kind == "all":
                quantifier, offender_when = expr, False  # a row whose body is false
            elif isinstance(expr, ir.Unary) and expr.op == "not" and isinstance(expr.operand, ir.Quantifier):
                if expr.operand.kind == "exists":
                    quantifier, offender_when = expr.operand, True  # a row that exists
            if quantifier is None:
                try:
                    holds = bool(evaluate(expr, {}, state, self.env))
                except EvaluationError as error:
                    self.report(
                        messages.seed_invariant_unevaluable(
                            seeded_here, invariant.name, invariant.span, str(error), on_row=False
                        )
                    )
                    continue
                if not holds:
                    self.report(messages.seed_invariant_violation(seeded_here, invariant.name, invariant.span, ""))
                continue
            row, failure = self.offender(quantifier, offender_when, state)
            if row is None:
                continue
            entity = self.env.entity(quantifier.entity)
            key = row[entity.key]
            span = self.index[entity.name][key].span
            if failure is not None:
                self.report(
                    messages.seed_invariant_unevaluable(span, invariant.name, invariant.span, failure, on_row=True)
                )
            else:
                detail = f"{entity.name} `{_show(key)}` breaks it"
                self.report(messages.seed_invariant_violation(span, invariant.name, invariant.span, detail))

    def offender(self, quantifier: ir.Quantifier, body: bool, state: State) -> tuple[Any, str | None]:
        """The first row (in key order) the quantifier ranges over whose body is `body`,
        or on which it cannot be evaluated (with the reason)."""
        for row in state.rows(quantifier.entity):
            bindings = {quantifier.var: row}
            try:
                if quantifier.where is not None and not evaluate(quantifier.where, bindings, state, self.env):
                    continue
                if bool(evaluate(quantifier.body, bindings, state, self.env)) is body:
                    return row, None
            except EvaluationError as error:
                return row, str(error)
        return None, None


def _row_fields(expr: Any) -> list[str]:
    """Fields of the checked row that an expression reads, in order of appearance."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, ir.Attr) and isinstance(node.obj, ir.Var) and node.obj.kind == "row":
            if node.field not in found:
                found.append(node.field)
            return
        if isinstance(node, tuple):
            for item in node:
                walk(item)
        elif dataclasses.is_dataclass(node):
            for f in dataclasses.fields(node):
                walk(getattr(node, f.name))

    walk(expr)
    return found


def _show(value: Any) -> str:
    """A value as it reads in a message about seed data."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if value is None:
        return "none"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _literal(value: Any) -> str:
    """A value as the spec language would write it."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else _show(value)
