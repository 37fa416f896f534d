"""The registry of diagnostic codes: the one place a code is defined.

A code never changes meaning once released; retire it instead. Errors are
`E####`, warnings `W####`. The hundreds group them: 00 syntax and files,
01 names and declarations, 02 types, 03 effects, errors and control flow,
04 seed data. `docs/diagnostics.md` is generated from this table and
`catalog.py` (`python -m envdsl.diagnostics.catalog`), so every code is
documented; `envdsl explain CODE` shows one.
"""

from __future__ import annotations

from dataclasses import dataclass

from envdsl.diagnostics.diagnostic import Severity


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str  # kebab-case, stable
    summary: str
    severity: Severity


_E, _W = Severity.ERROR, Severity.WARNING

_ALL = [
    # 00: syntax and files
    Code("E0001", "unexpected-token", "The parser found a token where the grammar does not allow it.", _E),
    Code("E0002", "unexpected-character", "A character that starts no token of the language.", _E),
    Code("E0003", "unterminated-string", "A string literal is not closed on the line it starts.", _E),
    Code("E0004", "bad-interpolation", "A `{…}` in a message is not a valid expression.", _E),
    Code("E0005", "unreadable-file", "A spec or seed file cannot be read.", _E),
    Code("E0006", "too-deeply-nested", "Expressions nested deeper than envdsl can check.", _E),
    # 01: names and declarations
    Code("E0101", "duplicate-definition", "A name is defined twice in the same scope.", _E),
    Code("E0102", "unknown-type", "A type name that is neither built in nor declared.", _E),
    Code("E0103", "unknown-name", "A name that is not a parameter, local, field or enum value in scope.", _E),
    Code("E0104", "unknown-field", "A field that the entity or record does not have.", _E),
    Code("E0105", "unknown-entity", "`find`, `insert`, `count`, `sum` or a quantifier names no entity.", _E),
    Code("E0106", "unknown-function", "A call to a function that is not a built-in.", _E),
    Code("E0107", "missing-header", "A required header (`domain`, `title`) is missing.", _E),
    Code("E0108", "missing-key", "An entity has no `key` field.", _E),
    Code("E0109", "multiple-keys", "An entity has more than one `key` field.", _E),
    Code("E0110", "bad-key-type", "A key field is not `str` or `int`.", _E),
    Code("E0111", "reserved-name", "A name is reserved (a Python keyword, or starts with `_`).", _E),
    Code("E0112", "bad-literal", "A date, datetime or clock literal is not a valid ISO 8601 value.", _E),
    Code("E0113", "bad-default", "A default value is not allowed where it is written.", _E),
    Code("E0114", "missing-field-value", "An `insert` leaves out a field that has no default.", _E),
    Code("E0115", "duplicate-modifier", "A field modifier (`unique`, a default, a doc) is written twice.", _E),
    Code("E0116", "unsupported-field-type", "A field type that cannot be stored (a list or a record).", _E),
    Code("E0117", "seed-entity-mismatch", "A CSV `seed … as E` names no entity, or a YAML seed names one.", _E),
    # 02: types
    Code("E0201", "type-mismatch", "A value of one type where another is expected.", _E),
    Code("E0202", "bad-operands", "An operator applied to types it does not accept.", _E),
    Code("E0203", "not-a-row", "`update`, `delete` or field access on something that is not an entity row.", _E),
    Code("E0204", "optional-access", "Field access on a value that may be `none`.", _E),
    Code("E0205", "wrong-arity", "A built-in function called with the wrong number of arguments.", _E),
    Code("E0206", "not-iterable", "`for` over something that is not a list.", _E),
    Code("E0207", "key-update", "`update` assigns a key field; keys never change.", _E),
    Code("E0208", "impure-check", "A `check` uses `now()`, `today()` or another entity: it must be row-local.", _E),
    Code("E0209", "bad-limit", "A `limit` that is not a positive integer.", _E),
    Code("E0210", "ambiguous-enum-value", "A bare enum value that belongs to several enums; qualify it.", _E),
    Code("E0211", "effect-in-pure-context", "`insert` inside a condition, check, invariant or query.", _E),
    # 03: effects, errors, control flow
    Code("E0301", "undeclared-error", "A `require` raises an error the tool does not declare in `raises`.", _E),
    Code("W0302", "unused-error", "A tool declares an error it never raises.", _W),
    Code("E0303", "missing-return", "A tool with a return type has a path that returns nothing.", _E),
    Code("E0304", "return-value-in-void-tool", "`return x` in a tool that declares no return type.", _E),
    Code("W0305", "unreachable-code", "A statement after `return` never runs.", _W),
    Code("W0306", "unused-variable", "A `let` whose value is never used.", _W),
    Code("W0307", "unused-parameter", "A tool parameter that is never used.", _W),
    Code("W0308", "field-shadowed", "In `update … set`, a name is both a local and a field of the target.", _W),
    Code("W0309", "unused-error-declaration", "An `error` declared for the environment that no tool raises.", _W),
    Code("W0310", "read-only-write-tool", "A tool named like a read (get/list/search/find) that writes state.", _W),
    # 04: seed data
    Code("E0401", "seed-missing", "A seed file named by the spec does not exist.", _E),
    Code("E0402", "seed-syntax", "A seed file is not valid YAML or CSV.", _E),
    Code("E0403", "seed-shape", "A seed file does not have the expected shape.", _E),
    Code("E0404", "seed-unknown-entity", "A seed file fills an entity the spec does not declare.", _E),
    Code("E0405", "seed-unknown-field", "A seed row has a field the entity does not declare.", _E),
    Code("E0406", "seed-missing-field", "A seed row leaves out a field that has no default.", _E),
    Code("E0407", "seed-bad-value", "A seed value does not have the field's type.", _E),
    Code("E0408", "seed-duplicate-key", "Two seed rows of an entity have the same key.", _E),
    Code("E0409", "seed-dangling-reference", "A seed reference names a row that does not exist.", _E),
    Code("E0410", "seed-check-violation", "A seed row breaks a field's `check`.", _E),
    Code("E0411", "seed-unique-violation", "Two seed rows share a value of a `unique` field.", _E),
    Code("E0412", "seed-invariant-violation", "The seeded state breaks a declared invariant.", _E),
]

CODES: dict[str, Code] = {c.code: c for c in _ALL}
assert len(CODES) == len(_ALL), "duplicate diagnostic code"
BY_NAME: dict[str, Code] = {c.name: c for c in _ALL}
assert len(BY_NAME) == len(_ALL), "duplicate diagnostic name"
