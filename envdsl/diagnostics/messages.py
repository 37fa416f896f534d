"""Every message envdsl shows a user is worded here, and only here.

Phases call these constructors instead of formatting strings inline, so the
wording stays consistent, is reviewed in one place and can change without
touching the checker (the same reason mypy keeps `messages.py`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from envdsl.diagnostics.codes import BY_NAME
from envdsl.diagnostics.diagnostic import Diagnostic, Fix, Label
from envdsl.diagnostics.span import Span


def make(
    name: str,
    message: str,
    span: Span,
    label: str = "",
    *,
    secondary: Iterable[tuple[Span, str]] = (),
    notes: Iterable[str] = (),
    help: str | None = None,
    fix: Fix | None = None,
) -> Diagnostic:
    code = BY_NAME[name]
    labels = (Label(span, label, True), *(Label(s, m) for s, m in secondary))
    return Diagnostic(code.severity, code.code, message, labels, tuple(notes), help, fix)


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in candidates}
        return lowered.get(name.lower())
    return matches[0]


def _did_you_mean(span: Span, name: str, candidates: Iterable[str]) -> tuple[str | None, Fix | None]:
    guess = nearest(name, candidates)
    if guess is None or guess == name:
        return None, None
    return f"did you mean `{guess}`?", Fix(span, guess, f"replace `{name}` with `{guess}`")


def _one_of(items: list[str], limit: int = 8) -> str:
    if len(items) > limit:
        return ", ".join(items[:limit]) + f", … ({len(items) - limit} more)"
    return ", ".join(items)


# ------------------------------------------------------------------ syntax


def unexpected_token(span: Span, found: str, expected: list[str]) -> Diagnostic:
    bare = found.removeprefix("a ").removeprefix("an ")  # "a string" -> "unexpected string"
    return make(
        "unexpected-token",
        f"expected {_one_of(expected)}; found {found}" if expected else f"unexpected {found}",
        span,
        f"unexpected {bare}",
    )


def too_deeply_nested(span: Span) -> Diagnostic:
    return make(
        "too-deeply-nested",
        "the spec nests expressions too deeply to check",
        span,
        "here",
        help="split the expression with `let`, or state it as several `require`s or invariants",
    )


def unexpected_character(span: Span, char: str) -> Diagnostic:
    shown = repr(char) if char.strip() else f"U+{ord(char):04X}" if char else "end of file"
    return make("unexpected-character", f"unexpected character {shown}", span, "no token starts here")


def unterminated_string(span: Span) -> Diagnostic:
    return make(
        "unterminated-string",
        "unterminated string literal",
        span,
        "this string is never closed",
        help='close it with `"` on the same line, or use `"""` for text over several lines',
    )


def bad_interpolation(inner: Diagnostic) -> Diagnostic:
    primary = inner.primary
    assert primary is not None
    return make(
        "bad-interpolation",
        f"invalid expression in message interpolation: {inner.message}",
        primary.span,
        primary.message,
        help="write `{{` for a literal brace",
    )


def unclosed_interpolation(span: Span) -> Diagnostic:
    return make(
        "bad-interpolation",
        "`{` in a message starts an interpolation that is never closed",
        span,
        "opened here",
        help="close it with `}`, or write `{{` for a literal brace",
    )


def unreadable_file(span: Span, path: str, reason: str) -> Diagnostic:
    return make("unreadable-file", f"cannot read `{path}`: {reason}", span)


# ------------------------------------------------------------------ names


def duplicate(span: Span, kind: str, name: str, first: Span) -> Diagnostic:
    return make(
        "duplicate-definition",
        f"{kind} `{name}` is defined more than once",
        span,
        "defined again here",
        secondary=[(first, "first defined here")],
    )


def unknown(code: str, span: Span, kind: str, name: str, candidates: Iterable[str], *, note: str | None = None) -> Diagnostic:
    candidates = list(candidates)
    help, fix = _did_you_mean(span, name, candidates)
    notes = [note] if note else []
    return make(code, f"unknown {kind} `{name}`", span, f"not a known {kind}", notes=notes, help=help, fix=fix)


def unknown_field(span: Span, owner: str, name: str, candidates: Iterable[str]) -> Diagnostic:
    candidates = list(candidates)
    help, fix = _did_you_mean(span, name, candidates)
    if help is None and candidates:
        help = f"`{owner}` has: {_one_of(sorted(candidates))}"
    return make("unknown-field", f"`{owner}` has no field `{name}`", span, "no such field", help=help, fix=fix)


def unknown_enum_value(span: Span, enum: str, name: str, values: Iterable[str]) -> Diagnostic:
    values = list(values)
    help, fix = _did_you_mean(span, name, values)
    if help is None:
        help = f"`{enum}` has: {_one_of(values)}"
    return make("unknown-name", f"`{enum}` has no value `{name}`", span, "no such value", help=help, fix=fix)


def missing_header(span: Span, header: str, example: str) -> Diagnostic:
    return make("missing-header", f"environment has no `{header}`", span, f"`{header}` is required", help=f"add `{example}`")


def missing_key(span: Span, entity: str) -> Diagnostic:
    return make(
        "missing-key",
        f"entity `{entity}` has no key field",
        span,
        "needs exactly one `key` field",
        help='mark the identifying field with `key`, e.g. `key id: str = next_id("X")`',
    )


def multiple_keys(span: Span, entity: str, first: Span) -> Diagnostic:
    return make(
        "multiple-keys",
        f"entity `{entity}` has more than one key field",
        span,
        "second key",
        secondary=[(first, "first key")],
        help="an entity has one key; use `unique` for other identifying fields",
    )


def bad_key_type(span: Span, entity: str, type_name: str) -> Diagnostic:
    return make("bad-key-type", f"key of `{entity}` has type `{type_name}`; keys are `str` or `int`", span, "not a key type")


def reserved_name(span: Span, name: str, why: str) -> Diagnostic:
    return make("reserved-name", f"`{name}` cannot be used as a name: {why}", span, "reserved", help="choose another name")


def bad_literal(span: Span, kind: str, text: str, example: str) -> Diagnostic:
    return make("bad-literal", f"`{text}` is not a valid {kind}", span, f"expected a {kind} like `{example}`")


def bad_default(span: Span, why: str, help: str | None = None) -> Diagnostic:
    return make("bad-default", f"invalid default: {why}", span, "here", help=help)


def missing_field_value(span: Span, entity: str, fields: list[str]) -> Diagnostic:
    plural = "s" if len(fields) > 1 else ""
    listed = ", ".join(f"`{f}`" for f in fields)
    return make(
        "missing-field-value",
        f"`insert {entity}` leaves out field{plural} {listed}, which ha{'ve' if plural else 's'} no default",
        span,
        f"missing {listed}",
    )


def duplicate_modifier(span: Span, what: str, first: Span) -> Diagnostic:
    return make("duplicate-modifier", f"{what} is given twice", span, "again here", secondary=[(first, "first here")])


def unsupported_field_type(span: Span, type_name: str) -> Diagnostic:
    return make(
        "unsupported-field-type",
        f"a field cannot have type `{type_name}`",
        span,
        "not storable in a column",
        help="model the items as their own entity with a reference back to this one",
    )


def seed_entity_mismatch(span: Span, why: str, help: str | None = None) -> Diagnostic:
    return make("seed-entity-mismatch", why, span, "here", help=help)


# ------------------------------------------------------------------ types


def type_mismatch(span: Span, expected: str, found: str, context: str = "") -> Diagnostic:
    where = f" {context}" if context else ""
    return make(
        "type-mismatch", f"expected `{expected}`{where}, found `{found}`", span, f"this is `{found}`"
    )


def bad_operands(span: Span, op: str, left: str, right: str | None = None, help: str | None = None) -> Diagnostic:
    if right is None:
        return make("bad-operands", f"`{op}` cannot be applied to `{left}`", span, f"`{left}`", help=help)
    return make("bad-operands", f"`{op}` cannot be applied to `{left}` and `{right}`", span, f"`{left}` {op} `{right}`", help=help)


def not_a_row(span: Span, what: str, found: str) -> Diagnostic:
    return make("not-a-row", f"{what} needs an entity row, found `{found}`", span, f"this is `{found}`")


def optional_access(span: Span, type_name: str, var: str | None, error: str | None = None) -> Diagnostic:
    """`error` is an error the tool already declares, if any, to suggest raising."""
    if var is None:
        help = "check for `none` before using the value"
    elif error is not None:
        help = f"check it first: `require {var} != none else {error}`"
    else:
        help = f"check it first: `require {var} != none else NotFound`, and declare it with `raises NotFound`"
    return make("optional-access", f"value of type `{type_name}` may be `none`", span, "may be none", help=help)


def wrong_arity(span: Span, func: str, expected: str, found: int) -> Diagnostic:
    return make("wrong-arity", f"`{func}` takes {expected} argument(s), {found} given", span, "here")


def literal_required(span: Span, func: str, example: str) -> Diagnostic:
    return make(
        "type-mismatch",
        f"`{func}(…)` takes a string literal, not a computed value",
        span,
        "not a literal",
        help=f'write the value out, e.g. `{func}("{example}")`',
    )


def builtin_arguments(span: Span, func: str, problem: str) -> Diagnostic:
    message = problem if problem.startswith(f"`{func}`") else f"`{func}`: {problem}"
    return make("type-mismatch", message, span, "here")


def not_iterable(span: Span, found: str) -> Diagnostic:
    return make("not-iterable", f"`for` needs a list, found `{found}`", span, f"this is `{found}`", help="iterate over a `find`")


def key_update(span: Span, entity: str, field: str) -> Diagnostic:
    return make("key-update", f"`{field}` is the key of `{entity}` and cannot be updated", span, "key field", help="insert a new row instead")


def impure_check(span: Span, why: str) -> Diagnostic:
    return make("impure-check", f"a `check` must only read its own row: {why}", span, "not row-local", help="state it as an `invariant` instead")


def bad_limit(span: Span) -> Diagnostic:
    return make("bad-limit", "`limit` must be a positive integer", span, "here")


def ambiguous_enum_value(span: Span, value: str, enums: list[str]) -> Diagnostic:
    return make(
        "ambiguous-enum-value",
        f"`{value}` is a value of several enums: {', '.join(enums)}",
        span,
        "ambiguous",
        help=f"qualify it, e.g. `{enums[0]}.{value}`",
    )


def effect_in_pure_context(span: Span, context: str) -> Diagnostic:
    return make("effect-in-pure-context", f"`insert` is not allowed in {context}", span, "changes state", help="insert in a statement and use the result")


# ------------------------------------------------------------------ effects and control flow


def undeclared_error(span: Span, tool: str, error: str, raises_span: Span | None) -> Diagnostic:
    secondary = [(raises_span, "declared errors")] if raises_span else []
    return make(
        "undeclared-error",
        f"tool `{tool}` raises `{error}` but does not declare it",
        span,
        "raised here",
        secondary=secondary,
        help=f"add it to the tool's signature: `raises {error}`",
    )


def unused_error(span: Span, tool: str, error: str) -> Diagnostic:
    return make("unused-error", f"tool `{tool}` declares `{error}` but never raises it", span, "never raised", help="remove it from `raises`")


def missing_return(span: Span, tool: str, type_name: str) -> Diagnostic:
    return make("missing-return", f"tool `{tool}` returns `{type_name}`, but a path through it returns nothing", span, "can end without `return`")


def return_value_in_void_tool(span: Span, tool: str) -> Diagnostic:
    return make(
        "return-value-in-void-tool", f"tool `{tool}` declares no return type but returns a value", span, "value returned here", help="declare it: `-> Type`"
    )


def unreachable(span: Span) -> Diagnostic:
    return make("unreachable-code", "unreachable statement", span, "never runs: the block has already returned")


def unused_variable(span: Span, name: str, kind: str = "local") -> Diagnostic:
    if kind == "loop":
        help = "use the loop variable, or count with `count(…)` instead of looping"
    else:
        help = "remove the `let`, or use the value"
    return make("unused-variable", f"`{name}` is never used", span, "unused", help=help)


def unused_parameter(span: Span, tool: str, name: str) -> Diagnostic:
    return make("unused-parameter", f"parameter `{name}` of `{tool}` is never used", span, "unused")


def field_shadowed(span: Span, name: str, target: str) -> Diagnostic:
    return make(
        "field-shadowed",
        f"`{name}` refers to the local, not to field `{name}` of the updated row",
        span,
        "the local",
        help=f"write `{target}.{name}` for the field",
    )


def unused_error_declaration(span: Span, name: str) -> Diagnostic:
    return make("unused-error-declaration", f"error `{name}` is declared but no tool raises it", span, "unused")


def read_only_write_tool(span: Span, tool: str) -> Diagnostic:
    return make(
        "read-only-write-tool",
        f"tool `{tool}` is named like a read but changes state",
        span,
        "writes",
        help="rename it, or move the write into its own tool",
    )


# ------------------------------------------------------------------ seeds


def seed_missing(span: Span, path: str) -> Diagnostic:
    return make("seed-missing", f"seed file `{path}` does not exist", span, "named here", help="paths are relative to the spec's folder")


def seed_syntax(span: Span, detail: str) -> Diagnostic:
    return make("seed-syntax", f"seed file is not valid: {detail}", span, "here")


def seed_shape(span: Span, detail: str, help: str | None = None) -> Diagnostic:
    return make("seed-shape", detail, span, "here", help=help)


def seed_unknown_entity(span: Span, name: str, candidates: Iterable[str]) -> Diagnostic:
    return unknown("seed-unknown-entity", span, "entity", name, candidates)


def seed_unknown_field(span: Span, entity: str, name: str, candidates: Iterable[str]) -> Diagnostic:
    candidates = list(candidates)
    help, fix = _did_you_mean(span, name, candidates)
    return make("seed-unknown-field", f"`{entity}` has no field `{name}`", span, "no such field", help=help, fix=fix)


def seed_missing_field(span: Span, entity: str, fields: list[str]) -> Diagnostic:
    listed = ", ".join(f"`{f}`" for f in fields)
    which = "which have no default" if len(fields) > 1 else "which has no default"
    return make("seed-missing-field", f"`{entity}` row leaves out {listed}, {which}", span, f"missing {listed}")


def seed_bad_value(span: Span, entity: str, field: str, expected: str, detail: str) -> Diagnostic:
    return make("seed-bad-value", f"`{entity}.{field}` expects `{expected}`: {detail}", span, "bad value")


def seed_duplicate_key(span: Span, entity: str, key: str, first: Span) -> Diagnostic:
    return make(
        "seed-duplicate-key", f"duplicate key `{key}` for `{entity}`", span, "again here", secondary=[(first, "first here")]
    )


def seed_dangling(span: Span, entity: str, field: str, target: str, key: str, candidates: Iterable[str]) -> Diagnostic:
    help, fix = _did_you_mean(span, key, candidates)
    return make(
        "seed-dangling-reference",
        f"`{entity}.{field}` refers to `{target}` `{key}`, which does not exist",
        span,
        "no such row",
        help=help,
        fix=fix,
    )


def seed_check_violation(span: Span, entity: str, check_span: Span, detail: str) -> Diagnostic:
    return make(
        "seed-check-violation",
        f"`{entity}` row breaks a check: {detail}",
        span,
        "this row",
        secondary=[(check_span, "the check")],
    )


def seed_unique_violation(span: Span, entity: str, field: str, value: str, first: Span) -> Diagnostic:
    return make(
        "seed-unique-violation",
        f"`{entity}.{field}` is unique, but `{value}` appears twice",
        span,
        "again here",
        secondary=[(first, "first here")],
    )


def seed_invariant_violation(span: Span, name: str, invariant_span: Span, detail: str) -> Diagnostic:
    return make(
        "seed-invariant-violation",
        f"the seed breaks invariant \"{name}\"{': ' + detail if detail else ''}",
        span,
        "violating row" if detail else "seeded here",
        secondary=[(invariant_span, "the invariant")],
    )


# ------------------------------------------------------------------ seeds (loader details)


def seed_duplicate_entry(span: Span, what: str, first: Span) -> Diagnostic:
    return make("seed-shape", f"{what} is given twice", span, "again here", secondary=[(first, "first here")])


def seed_missing_column(span: Span, entity: str, fields: list[str]) -> Diagnostic:
    listed = ", ".join(f"`{f}`" for f in fields)
    plural = len(fields) > 1
    return make(
        "seed-missing-field",
        f"the CSV seed of `{entity}` has no column {listed}, which ha{'ve' if plural else 's'} no default",
        span,
        f"missing {listed}",
        help="add the column to the header row",
    )


def seed_invariant_unevaluable(span: Span, name: str, invariant_span: Span, reason: str, *, on_row: bool) -> Diagnostic:
    return make(
        "seed-invariant-violation",
        f"invariant \"{name}\" cannot be evaluated on the seed: {reason}",
        span,
        "evaluated on this row" if on_row else "seeded here",
        secondary=[(invariant_span, "the invariant")],
    )
