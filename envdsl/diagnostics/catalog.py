"""What every diagnostic code means: an explanation, a bad example and its fix.

`codes.py` says which codes exist; this module explains each one in the
shape of ruff's rule docs ("What it does / Why is this bad? / Example / Use
instead"). Both are rendered into `docs/diagnostics.md` by `render_markdown()`
(regenerate with `python -m envdsl.diagnostics.catalog`; `--check` only
compares), and `envdsl explain CODE` prints one entry with `render_entry()`.

Every example is a whole spec (plus its seed files), so that it can be
copied and run: `tests/test_diagnostics_docs.py` checks each bad example
with the real checker and asserts that it reports its code, and that each
fixed example reports nothing at all.
"""

from __future__ import annotations

import difflib
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from envdsl.diagnostics.codes import BY_NAME, CODES, Code

DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md"
REGENERATE = "python -m envdsl.diagnostics.catalog"


@dataclass(frozen=True, slots=True)
class Example:
    """A spec file (`spec.envdsl`) and the seed files beside it."""

    spec: str
    files: tuple[tuple[str, str], ...] = ()  # (file name, text), named by the spec's `seed` lines
    encoding: str = "utf-8"  # how spec.envdsl is saved (only E0005 needs another)
    shown: str | None = None  # what the docs show when the real spec is too long to print (E0006)


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    what: str  # what the diagnostic reports
    why: str  # why that is a problem
    bad: Example
    good: Example


def _env(body: str, *, headers: str = 'title "Shop"\ndomain retail\n') -> str:
    """A whole spec: `env shop { headers body }`, the body written without indentation."""
    body = textwrap.dedent(body).strip("\n")
    inner = textwrap.dedent(headers) + ("\n" + body + "\n" if body else "")
    return "env shop {\n" + textwrap.indent(inner, "  ", lambda line: bool(line.strip())) + "}\n"


def _seeded(body: str, seed: str, *, name: str = "shop.seed.yaml") -> Example:
    """A spec that seeds from one YAML file, with that file."""
    headers = f'title "Shop"\ndomain retail\nseed "{name}"\n'
    return Example(_env(body, headers=headers), ((name, textwrap.dedent(seed).lstrip("\n")),))


_ITEM = """
entity Item {
  key sku: str
  stock: int
}
"""

_SEEDED_ITEM = """
entity Item {
  key sku: str
  name: str
  stock: int = 0 check stock >= 0
}
"""

_ENTRIES = [
    # ------------------------------------------------------------------ 00: syntax and files
    Entry(
        "E0001",
        "Reports the first place where the text stops following the grammar: what the parser expected there, and "
        "what it found instead (another token, or the end of the file).",
        "The parser cannot guess what was meant, so nothing after this point can be checked. The usual causes are a "
        "missing `:`, `}` or `else`, or a statement the language does not have (there is no `x = …`; write "
        "`update row set x = …`).",
        Example(_env("""
            entity Item {
              key sku str
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
            }
        """)),
    ),
    Entry(
        "E0002",
        "Reports a character that cannot start any token of the language, such as `&`, `@`, `#` or a typographic "
        "quote (`“`).",
        "The text cannot be read at all past this character. `and`, `or` and `not` are words in envdsl; comments start "
        'with `//`; strings use straight double quotes `"`.',
        Example(_env("""
            entity Item {
              key sku: str
              stock: int check stock >= 0 && stock < 100
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              stock: int check stock >= 0 and stock < 100
            }
        """)),
    ),
    Entry(
        "E0003",
        'Reports a string literal whose closing `"` is missing on the line where it starts.',
        "Without the closing quote the rest of the file would be read as part of the string. A one-line string ends on "
        'its line; text over several lines is written in triple quotes, `"""…"""`.',
        Example(_env("", headers='title "Shop\ndomain retail\n')),
        Example(_env("", headers='title "Shop"\ndomain retail\n')),
    ),
    Entry(
        "E0004",
        "Reports a `{…}` in a `require` message that is not a valid expression, or a `{` that is never closed.",
        "Each `{expr}` in a message is evaluated when the error is raised, so it must parse like any other "
        "expression. Write `{{` and `}}` for literal braces.",
        Example(_env("""
            entity Item {
              key sku: str
              stock: int
            }

            tool take(item: Item) raises SoldOut {
              require item.stock > 0 else SoldOut "only {item.stock left"
              update item set stock = stock - 1
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              stock: int
            }

            tool take(item: Item) raises SoldOut {
              require item.stock > 0 else SoldOut "only {item.stock} left"
              update item set stock = stock - 1
            }
        """)),
    ),
    Entry(
        "E0005",
        "Reports a spec that cannot be read (no permission, or text that is not UTF-8), or a seed file that cannot "
        "be opened. (A seed file that is not UTF-8 is E0402.)",
        "envdsl reads every file as UTF-8 so that a spec means the same thing on every machine. The example below is "
        "the same text saved as Latin-1 (bad) and as UTF-8 (good).",
        Example(_env("", headers='title "Café"\ndomain food\n'), encoding="latin-1"),
        Example(_env("", headers='title "Café"\ndomain food\n')),
    ),
    Entry(
        "E0006",
        "Reports an expression nested so deeply (more than about ten thousand levels, such as a sum of twenty "
        "thousand terms) that envdsl cannot walk it.",
        "The checker and the code generators walk expressions recursively; past a fixed depth they stop with this "
        "error instead of exhausting the stack. No hand-written spec comes near it: it guards against generated input.",
        Example(
            _env("entity Item {\n  key sku: str\n  stock: int = 1" + " + 1" * 20000 + "\n}"),
            shown=_env("""
                entity Item {
                  key sku: str
                  stock: int = 1 + 1 + 1 + …  // twenty thousand terms
                }
            """),
        ),
        Example(_env("""
            entity Item {
              key sku: str
              stock: int = 20001
            }
        """)),
    ),
    # ------------------------------------------------------------------ 01: names and declarations
    Entry(
        "E0101",
        "Reports a name defined twice in one scope: two entities, enums or tools of the same name, two fields of an "
        "entity, two values of an enum, two parameters or locals of a tool, two `error` lines, or a header such as "
        "`title` written twice. The second definition points back at the first.",
        "Every later use of the name would be ambiguous, and the generated SQL and Python need one definition per name.",
        Example(_env("""
            entity Item {
              key sku: str
              stock: int
              stock: int
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              stock: int
            }
        """)),
    ),
    Entry(
        "E0102",
        "Reports a type name that is neither a built-in type (`str int float bool money date datetime`) nor a "
        "declared enum or entity. The nearest known type is suggested.",
        "Every field and parameter needs a type that can be stored, validated and described to the model.",
        Example(_env("""
            entity Item {
              key sku: str
              price: mony
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              price: money
            }
        """)),
    ),
    Entry(
        "E0103",
        "Reports a bare name that is not a parameter, local, loop variable, bound query variable, field of the row "
        "in context, or enum value; also a qualified enum value (`Size.huge`) the enum does not have. The nearest "
        "name in scope is suggested.",
        "The value of the name is unknown, so nothing that uses it can be checked or run. It is usually a typo; if "
        "the name is an entity, it is a type, not a value (query it with `find` or `count`).",
        Example(_env("""
            entity Item {
              key sku: str
              stock: int
            }

            tool restock(item: Item, amount: int) {
              update item set stock = stock + amout
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              stock: int
            }

            tool restock(item: Item, amount: int) {
              update item set stock = stock + amount
            }
        """)),
    ),
    Entry(
        "E0104",
        "Reports a field that the entity (or the record) does not have: in `row.field`, in `insert E { field: … }` or "
        "in `update row set field = …`. The nearest field is suggested, or the fields there are listed.",
        "The value cannot be read or written; it is usually a typo.",
        Example(_env(_ITEM + """
            tool stock_of(item: Item) -> int {
              return item.stok
            }
        """)),
        Example(_env(_ITEM + """
            tool stock_of(item: Item) -> int {
              return item.stock
            }
        """)),
    ),
    Entry(
        "E0105",
        "Reports a `find`, `insert`, `count`, `sum`, `all` or `exists` over a name that is not a declared entity.",
        "There is no table to query or insert into. The nearest entity name is suggested.",
        Example(_env(_ITEM + """
            tool items_in_stock() -> int {
              return count(i in Itme where i.stock > 0)
            }
        """)),
        Example(_env(_ITEM + """
            tool items_in_stock() -> int {
              return count(i in Item where i.stock > 0)
            }
        """)),
    ),
    Entry(
        "E0106",
        "Reports a call to a function that is not one of the built-ins (`now today lower upper len contains "
        "starts_with ends_with abs min max days hours minutes date datetime days_between coalesce`).",
        "Specs cannot define or import functions: everything a spec does must be checkable and must mean the same in "
        "Python and SQL. The nearest built-in is suggested.",
        Example(_env("""
            entity Item {
              key sku: str
              name: str
            }

            tool name_length(item: Item) -> int {
              return lenght(item.name)
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              name: str
            }

            tool name_length(item: Item) -> int {
              return len(item.name)
            }
        """)),
    ),
    Entry(
        "E0107",
        "Reports an environment without a `title` or a `domain` header.",
        "The title is shown to people choosing environments; the domain decides where the compiled environment is "
        "written (`compiled/<domain>/<env>/`).",
        Example(_env(_ITEM, headers='title "Shop"\n')),
        Example(_env(_ITEM)),
    ),
    Entry(
        "E0108",
        "Reports an entity without a `key` field.",
        "Rows are identified by their key: entity parameters are passed as keys, references are stored as keys, and "
        "seed rows are matched by key. A generated key is one line: `key id: str = next_id(\"N\")`.",
        Example(_env("""
            entity Note {
              text: str
            }
        """)),
        Example(_env("""
            entity Note {
              key id: str = next_id("N")
              text: str
            }
        """)),
    ),
    Entry(
        "E0109",
        "Reports an entity with more than one `key` field.",
        "An entity has exactly one key (composite keys are not supported). Another identifying field is `unique`.",
        Example(_env("""
            entity Item {
              key sku: str
              key barcode: str
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              barcode: str unique
            }
        """)),
    ),
    Entry(
        "E0110",
        "Reports a key field whose type is not `str` or `int` (or is optional).",
        "Keys are what the model passes to tools and what references store, so they must be exact, comparable and "
        "never none: floats, money, dates, enums and references are not.",
        Example(_env("""
            entity Box {
              key size: float
            }
        """)),
        Example(_env("""
            entity Box {
              key id: int
              size: float
            }
        """)),
    ),
    Entry(
        "E0111",
        "Reports a name that cannot be used: a Python keyword (`class`, `match`, `lambda`, …), a name starting with "
        "`_`, a name the generated code uses (`self`, `cls`, `env`, `state`), or a built-in type name used for a "
        "declaration.",
        "Names become Python identifiers and SQL columns in the compiled environment; these would not compile or "
        "would collide with generated code.",
        Example(_env("""
            entity Item {
              key sku: str
              class: str
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              category: str
            }
        """)),
    ),
    Entry(
        "E0112",
        "Reports a literal that is not a valid value of its type: a `clock` or `datetime(\"…\")` that is not "
        "`YYYY-MM-DDTHH:MM:SS`, a `date(\"…\")` that is not `YYYY-MM-DD` (or is not a real date), or a money amount "
        "with more than two decimal places.",
        "The value would otherwise be guessed at; envdsl accepts one spelling per type so that a spec has one "
        "meaning everywhere.",
        Example(_env("", headers='title "Shop"\ndomain retail\nclock "2026-03-01 09:00"\n')),
        Example(_env("", headers='title "Shop"\ndomain retail\nclock "2026-03-01T09:00:00"\n')),
    ),
    Entry(
        "E0113",
        "Reports a default that is not allowed where it is written: `next_id` anywhere but on a `str` key (or with "
        "something other than one string prefix), a default that queries rows, or an entity parameter defaulting to "
        "anything but `none`.",
        "Defaults are computed without reading the state, when a row is inserted or a tool is called; `next_id` "
        "generates text keys like `T1`, `T2`, ….",
        Example(_env("""
            entity Ticket {
              key number: int = next_id("T")
            }
        """)),
        Example(_env("""
            entity Ticket {
              key number: str = next_id("T")
            }
        """)),
    ),
    Entry(
        "E0114",
        "Reports an `insert` (or a record literal) that leaves out fields which have no default and are not "
        "optional.",
        "The new row would have no value for a column that requires one.",
        Example(_env("""
            entity Item {
              key sku: str
              name: str
              stock: int = 0
            }

            tool add(sku: str) -> Item {
              return insert Item { sku: sku }
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              name: str
              stock: int = 0
            }

            tool add(sku: str, name: str) -> Item {
              return insert Item { sku: sku, name: name }
            }
        """)),
    ),
    Entry(
        "E0115",
        "Reports a field modifier written twice: `unique`, a default (`= …`) or a doc string. (Several `check`s are "
        "allowed.)",
        "Two defaults or two docs contradict each other, and a repeated `unique` is a sign of a copy-paste mistake.",
        Example(_env("""
            entity Item {
              key sku: str
              name: str unique unique
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              name: str unique
            }
        """)),
    ),
    Entry(
        "E0116",
        "Reports a field of list or record type, or a record type anywhere but a tool's return type.",
        "A field is one column of one table. A list of things belongs in its own entity with a reference back; "
        "records only describe what a tool returns.",
        Example(_env("""
            entity Item {
              key sku: str
              tags: list<str>
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
            }

            entity Tag {
              key id: str = next_id("T")
              item: Item
              label: str
            }
        """)),
    ),
    Entry(
        "E0117",
        "Reports a `seed` line whose `as Entity` does not fit the file: a CSV seed (which holds the rows of one "
        "entity) without `as E`, or a YAML seed (which names its entities inside the file) with one.",
        "envdsl would not know which table the CSV rows fill; on a YAML seed, `as E` would be ignored.",
        Example(
            _env(_ITEM, headers='title "Shop"\ndomain retail\nseed "items.csv"\n'),
            (("items.csv", "sku,stock\nA1,3\n"),),
        ),
        Example(
            _env(_ITEM, headers='title "Shop"\ndomain retail\nseed "items.csv" as Item\n'),
            (("items.csv", "sku,stock\nA1,3\n"),),
        ),
    ),
    # ------------------------------------------------------------------ 02: types
    Entry(
        "E0201",
        "Reports a value whose type is not the one expected there: a condition that is not `bool`, a value assigned "
        "to or inserted into a field of another type, a result that does not match the tool's return type.",
        "envdsl converts nothing implicitly except `int` to `float` or `money`; a value of the wrong type would be "
        "stored, compared or returned wrongly.",
        Example(_env(_ITEM + """
            tool clear(item: Item) {
              update item set stock = "none left"
            }
        """)),
        Example(_env(_ITEM + """
            tool clear(item: Item) {
              update item set stock = 0
            }
        """)),
    ),
    Entry(
        "E0202",
        "Reports an operator applied to types it does not accept: `str + int`, `money * money`, `date + int`, "
        "`<` on optional values, comparing a row with a key, ….",
        "Each operator has one meaning, the same in Python and SQL; the rest have none. Add durations to dates with "
        "`days(n)`, `hours(n)` or `minutes(n)`.",
        Example(_env("""
            entity Item {
              key sku: str
              added: date
            }

            tool restock_date(item: Item) -> date {
              return item.added + 3
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              added: date
            }

            tool restock_date(item: Item) -> date {
              return item.added + days(3)
            }
        """)),
    ),
    Entry(
        "E0203",
        "Reports `update`, `delete` or field access (`x.field`) on a value that is not an entity row.",
        "Only rows have fields and can be changed or deleted. A tool that should change a row takes it as an "
        "entity-typed parameter (the model passes its key) or finds it with `find first`.",
        Example(_env(_ITEM + """
            tool clear(sku: str) {
              update sku set stock = 0
            }
        """)),
        Example(_env(_ITEM + """
            tool clear(item: Item) {
              update item set stock = 0
            }
        """)),
    ),
    Entry(
        "E0204",
        "Reports field access, `update` or `delete` on a value that may be `none`: an optional field, a `find first` "
        "result, an optional parameter.",
        "At run time the value may be missing and the tool would crash instead of failing cleanly. Check it first: "
        "after `require x != none else E`, or inside `if x != none { … }`, `x` is no longer optional.",
        Example(_env("""
            entity Owner {
              key id: str
              name: str
            }

            entity Item {
              key sku: str
              owner: Owner?
            }

            tool owner_name(item: Item) -> str {
              return item.owner.name
            }
        """)),
        Example(_env("""
            entity Owner {
              key id: str
              name: str
            }

            entity Item {
              key sku: str
              owner: Owner?
            }

            tool owner_name(item: Item) -> str {
              let owner = item.owner
              require owner != none else NotFound
              return owner.name
            }
        """)),
    ),
    Entry(
        "E0205",
        "Reports a built-in function called with the wrong number of arguments.",
        "The call cannot mean anything: each built-in takes a fixed number of arguments.",
        Example(_env("""
            entity Item {
              key sku: str
              name: str
            }

            tool normalized(item: Item) -> str {
              return lower()
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              name: str
            }

            tool normalized(item: Item) -> str {
              return lower(item.name)
            }
        """)),
    ),
    Entry(
        "E0206",
        "Reports a `for` loop over something that is not a list.",
        "Only lists can be iterated; to visit rows, loop over a `find` (which is evaluated once, before the loop).",
        Example(_env(_ITEM + """
            tool clear_empty() {
              for x in count(i in Item where i.stock == 0) {
                delete x
              }
            }
        """)),
        Example(_env(_ITEM + """
            tool clear_empty() {
              for x in find i in Item where i.stock == 0 {
                delete x
              }
            }
        """)),
    ),
    Entry(
        "E0207",
        "Reports an `update` that assigns a key field.",
        "Keys never change: references to the row and keys the model has already seen would silently point "
        "elsewhere. Insert a new row (and delete the old one) instead.",
        Example(_env("""
            entity Item {
              key sku: str
              name: str
            }

            tool rename(item: Item, new_sku: str) {
              update item set sku = new_sku
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              name: str
            }

            tool rename(item: Item, new_sku: str) -> Item {
              let copy = insert Item { sku: new_sku, name: item.name }
              delete item
              return copy
            }
        """)),
    ),
    Entry(
        "E0208",
        "Reports a field `check` that reads anything but its own row: `now()`, `today()`, a query, or a field of "
        "another entity.",
        "A check is enforced per row, by the database, whenever the row is written; it cannot depend on the clock or "
        "on other rows. State such rules as an `invariant`.",
        Example(_env("""
            entity Item {
              key sku: str
              added: datetime check added <= now()
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              added: datetime
            }

            invariant "nothing is added in the future": all i in Item: i.added <= now()
        """)),
    ),
    Entry(
        "E0209",
        "Reports a `limit` that is a literal other than a positive integer.",
        "`limit 0` always returns nothing and a negative or fractional limit means nothing; such a query is a "
        "mistake.",
        Example(_env(_ITEM + """
            tool best_stocked() -> list<Item> {
              return find i in Item order by i.stock desc limit 0
            }
        """)),
        Example(_env(_ITEM + """
            tool best_stocked() -> list<Item> {
              return find i in Item order by i.stock desc limit 10
            }
        """)),
    ),
    Entry(
        "E0210",
        "Reports a bare enum value that belongs to several enums where nothing says which one is meant.",
        "The value would silently belong to one enum. Qualify it (`Size.small`), or use it where the expected type "
        "decides (`i.size == small` is fine).",
        Example(_env("""
            enum Size { small, large }
            enum Fit { small, regular }

            entity Item {
              key sku: str
              size: Size
              fit: Fit
            }

            tool small_items() -> list<Item> {
              let wanted = small
              return find i in Item where i.size == wanted
            }
        """)),
        Example(_env("""
            enum Size { small, large }
            enum Fit { small, regular }

            entity Item {
              key sku: str
              size: Size
              fit: Fit
            }

            tool small_items() -> list<Item> {
              let wanted = Size.small
              return find i in Item where i.size == wanted
            }
        """)),
    ),
    Entry(
        "E0211",
        "Reports an `insert` inside an expression that must not change state: a query (`where`, `order by`), a "
        "quantifier, a field check, a default or an invariant.",
        "Those are evaluated any number of times (or by the database); a change of state there would happen an "
        "unknown number of times. Insert in a statement and use the result.",
        Example(_env(_ITEM + """
            tool add_and_list(sku: str) -> list<Item> {
              return find i in Item where i == insert Item { sku: sku, stock: 0 } or i.stock > 0
            }
        """)),
        Example(_env(_ITEM + """
            tool add_and_list(sku: str) -> list<Item> {
              insert Item { sku: sku, stock: 0 }
              return find i in Item where i.sku == sku or i.stock > 0
            }
        """)),
    ),
    # ------------------------------------------------------------------ 03: effects, errors, control flow
    Entry(
        "E0301",
        "Reports a `require … else E` in a tool that does not list `E` in its `raises` (`NotFound` is implicit in "
        "tools with an entity parameter).",
        "The errors a tool can raise are part of its signature, shown to the model and tested by the verifier; an "
        "undeclared one would surprise both.",
        Example(_env(_ITEM + """
            tool take(item: Item) {
              require item.stock > 0 else SoldOut
              update item set stock = stock - 1
            }
        """)),
        Example(_env(_ITEM + """
            tool take(item: Item) raises SoldOut {
              require item.stock > 0 else SoldOut
              update item set stock = stock - 1
            }
        """)),
    ),
    Entry(
        "W0302",
        "Warns about an error in a tool's `raises` that no `require` in the tool raises.",
        "The signature promises a failure that cannot happen, which misleads the model and the test generator.",
        Example(_env(_ITEM + """
            tool take(item: Item) raises SoldOut, Closed {
              require item.stock > 0 else SoldOut
              update item set stock = stock - 1
            }
        """)),
        Example(_env(_ITEM + """
            tool take(item: Item) raises SoldOut {
              require item.stock > 0 else SoldOut
              update item set stock = stock - 1
            }
        """)),
    ),
    Entry(
        "E0303",
        "Reports a tool with a return type that can reach its end, or a bare `return`, without returning a value.",
        "The caller was promised a value; on that path it would get none.",
        Example(_env(_ITEM + """
            tool peek(item: Item) -> int {
              if item.stock > 10 {
                return item.stock
              }
            }
        """)),
        Example(_env(_ITEM + """
            tool peek(item: Item) -> int {
              if item.stock > 10 {
                return item.stock
              }
              return 0
            }
        """)),
    ),
    Entry(
        "E0304",
        "Reports `return value` in a tool that declares no return type.",
        "The value would be thrown away, and the tool's schema would tell the model it returns nothing.",
        Example(_env(_ITEM + """
            tool restock(item: Item) {
              update item set stock = stock + 1
              return item.stock
            }
        """)),
        Example(_env(_ITEM + """
            tool restock(item: Item) -> int {
              update item set stock = stock + 1
              return item.stock
            }
        """)),
    ),
    Entry(
        "W0305",
        "Warns about a statement after a `return` in the same block (once per block).",
        "It never runs; usually it was meant to come before the `return`.",
        Example(_env(_ITEM + """
            tool clear(item: Item) -> int {
              return item.stock
              update item set stock = 0
            }
        """)),
        Example(_env(_ITEM + """
            tool clear(item: Item) -> int {
              update item set stock = 0
              return item.stock
            }
        """)),
    ),
    Entry(
        "W0306",
        "Warns about a `let` (or a loop variable) whose value is never used.",
        "The work is wasted, or a later line uses the wrong name.",
        Example(_env(_ITEM + """
            tool stock_of(item: Item) -> int {
              let doubled = item.stock * 2
              return item.stock
            }
        """)),
        Example(_env(_ITEM + """
            tool stock_of(item: Item) -> int {
              return item.stock
            }
        """)),
    ),
    Entry(
        "W0307",
        "Warns about a tool parameter the body never uses.",
        "The model is asked for a value that changes nothing, which makes the tool harder to call correctly.",
        Example(_env(_ITEM + """
            tool restock(item: Item, reason: str) {
              update item set stock = stock + 1
            }
        """)),
        Example(_env(_ITEM + """
            tool restock(item: Item) {
              update item set stock = stock + 1
            }
        """)),
    ),
    Entry(
        "W0308",
        "Warns when, on the right of `update row set f = …`, a bare name is both a local (or parameter) and a field "
        "of the updated row: it means the local.",
        "Bare names there usually mean the row's fields (`set stock = stock - 1`), so a reader can easily take this "
        "one for the field. Rename the local, or write `row.field` for the field.",
        Example(_env("""
            entity Item {
              key sku: str
              stock: int
              reserved: int
            }

            tool reserve(item: Item, stock: int) {
              update item set reserved = stock
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              stock: int
              reserved: int
            }

            tool reserve(item: Item, amount: int) {
              update item set reserved = amount
            }
        """)),
    ),
    Entry(
        "W0309",
        "Warns about an environment-level `error Name` that no tool raises or declares.",
        "The documentation promises an error the environment never produces; it is often a leftover or a typo of "
        "the error a tool does raise.",
        Example(_env(_ITEM, headers='title "Shop"\ndomain retail\nerror Closed "The shop is closed"\n')),
        Example(_env(_ITEM)),
    ),
    Entry(
        "W0310",
        "Warns about a tool named like a read (`get_`, `list_`, `search_`, `find_`, `lookup_`, `show_`, `view_`, "
        "`check_`) that inserts, updates or deletes.",
        "Models call read-like tools freely to look around; one that changes state does so behind their back.",
        Example(_env("""
            entity Item {
              key sku: str
              views: int = 0
            }

            tool get_item(item: Item) -> Item {
              update item set views = views + 1
              return item
            }
        """)),
        Example(_env("""
            entity Item {
              key sku: str
              views: int = 0
            }

            tool open_item(item: Item) -> Item {
              update item set views = views + 1
              return item
            }
        """)),
    ),
    # ------------------------------------------------------------------ 04: seed data
    Entry(
        "E0401",
        "Reports a `seed` line naming a file that does not exist (paths are relative to the spec's folder).",
        "The environment would start empty, or with only part of its data.",
        Example(_env(_SEEDED_ITEM, headers='title "Shop"\ndomain retail\nseed "shop.seed.yml"\n'),
                (("shop.seed.yaml", "Item:\n  - sku: A1\n    name: Mug\n"),)),
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n"),
    ),
    Entry(
        "E0402",
        "Reports a seed file that is not valid YAML or CSV, or not UTF-8 text.",
        "None of its rows can be read.",
        _seeded(_SEEDED_ITEM, 'Item:\n  - sku: A1\n    name: "Mug\n'),
        _seeded(_SEEDED_ITEM, 'Item:\n  - sku: A1\n    name: "Mug"\n'),
    ),
    Entry(
        "E0403",
        "Reports a seed file of the wrong shape: a YAML seed that is not a mapping from entity names to lists of "
        "rows, a row that is not a mapping, a CSV row with the wrong number of cells, a CSV seed without `as E`.",
        "The rows cannot be told apart from each other or matched to fields.",
        _seeded(_SEEDED_ITEM, "Item:\n  sku: A1\n  name: Mug\n"),
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n"),
    ),
    Entry(
        "E0404",
        "Reports seed rows for an entity the spec does not declare. The nearest entity is suggested.",
        "There is no table for them.",
        _seeded(_SEEDED_ITEM, "Itme:\n  - sku: A1\n    name: Mug\n"),
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n"),
    ),
    Entry(
        "E0405",
        "Reports a seed value (or a CSV column) for a field the entity does not declare. The nearest field is "
        "suggested.",
        "The value would be dropped; it is usually a misspelt field.",
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n    stok: 3\n"),
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n    stock: 3\n"),
    ),
    Entry(
        "E0406",
        "Reports a seed row (or a CSV header) that leaves out a field with no default that is not optional.",
        "The row cannot be stored without it.",
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    stock: 3\n"),
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n    stock: 3\n"),
    ),
    Entry(
        "E0407",
        "Reports a seed value that is not a value of the field's type: text for a number, an amount with more than "
        "two decimal places, an unknown enum value, an invalid date.",
        "Seed values are converted exactly, never guessed at.",
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n    stock: three\n"),
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n    stock: 3\n"),
    ),
    Entry(
        "E0408",
        "Reports two seed rows of one entity with the same key.",
        "Keys identify rows; the second row would overwrite or collide with the first.",
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n  - sku: A1\n    name: Plate\n"),
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n  - sku: A2\n    name: Plate\n"),
    ),
    Entry(
        "E0409",
        "Reports a seed value of a reference field that names no row of the referenced entity. The nearest key is "
        "suggested.",
        "The reference would dangle: following it at run time would find nothing.",
        _seeded(
            _SEEDED_ITEM + "\nentity Order {\n  key id: str = next_id(\"O\")\n  item: Item\n}\n",
            "Item:\n  - sku: MUG-1\n    name: Mug\nOrder:\n  - item: MUG-2\n",
        ),
        _seeded(
            _SEEDED_ITEM + "\nentity Order {\n  key id: str = next_id(\"O\")\n  item: Item\n}\n",
            "Item:\n  - sku: MUG-1\n    name: Mug\nOrder:\n  - item: MUG-1\n",
        ),
    ),
    Entry(
        "E0410",
        "Reports a seed row that breaks a field's `check`.",
        "The database would refuse the row, and every tool may assume the check holds.",
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n    stock: -2\n"),
        _seeded(_SEEDED_ITEM, "Item:\n  - sku: A1\n    name: Mug\n    stock: 2\n"),
    ),
    Entry(
        "E0411",
        "Reports two seed rows with the same value in a `unique` field (`none` never collides).",
        "The database would refuse the second row.",
        _seeded(
            "entity Customer {\n  key id: str\n  email: str unique\n}\n",
            "Customer:\n  - id: C1\n    email: ann@example.com\n  - id: C2\n    email: ann@example.com\n",
        ),
        _seeded(
            "entity Customer {\n  key id: str\n  email: str unique\n}\n",
            "Customer:\n  - id: C1\n    email: ann@example.com\n  - id: C2\n    email: bob@example.com\n",
        ),
    ),
    Entry(
        "E0412",
        "Reports an invariant that is false in the seeded state, pointing at the first row that breaks it.",
        "Invariants must hold in every reachable state, starting with the first: tools and tests may rely on them.",
        _seeded(
            _SEEDED_ITEM + '\ninvariant "every item has a name": all i in Item: len(i.name) > 0\n',
            'Item:\n  - sku: A1\n    name: ""\n',
        ),
        _seeded(
            _SEEDED_ITEM + '\ninvariant "every item has a name": all i in Item: len(i.name) > 0\n',
            "Item:\n  - sku: A1\n    name: Mug\n",
        ),
    ),
]

CATALOG: dict[str, Entry] = {entry.code: entry for entry in _ENTRIES}
assert len(CATALOG) == len(_ENTRIES), "a code is explained twice"

_GROUPS = {
    "00": "Syntax and files",
    "01": "Names and declarations",
    "02": "Types",
    "03": "Effects, errors and control flow",
    "04": "Seed data",
}


# ------------------------------------------------------------------ lookup


def lookup(text: str) -> Entry | None:
    """The entry for a code (`E0103`, `e0103`, `0103`, `e103`) or a name (`unknown-name`), if any."""
    query = text.strip()
    if query.lower() in BY_NAME:
        return CATALOG.get(BY_NAME[query.lower()].code)
    match = re.fullmatch(r"([EeWw]?)(\d{1,4})", query)
    if match is None:
        return None
    letters = [match[1].upper()] if match[1] else ["E", "W"]
    for letter in letters:
        code = letter + match[2].zfill(4)
        if code in CATALOG:
            return CATALOG[code]
    return None


def suggest(text: str) -> str | None:
    """The code or name nearest to something `lookup` did not find, or None."""
    query = text.strip()
    if re.fullmatch(r"[EeWw]?\d+", query):
        query = query.upper()
        if query[0].isdigit():
            query = "E" + query.zfill(4)

        def score(code: str) -> float:
            ratio = difflib.SequenceMatcher(None, query, code).ratio()
            if query[1:] == code[1:]:
                ratio += 1.0  # E for W or the other way round
            elif sorted(query) == sorted(code):
                ratio += 0.5  # two digits swapped
            return ratio

        best = min(CODES, key=lambda code: (-score(code), code))
        return best if score(best) >= 0.6 else None
    names = difflib.get_close_matches(query.lower(), sorted(BY_NAME), n=1, cutoff=0.6)
    return names[0] if names else None


# ------------------------------------------------------------------ rendering


def _fence(text: str, language: str) -> str:
    return f"```{language}\n{text.rstrip(chr(10))}\n```"


def _example(example: Example) -> str:
    saved = "" if example.encoding == "utf-8" else f" (saved as {example.encoding.capitalize()})"
    parts = [f"`spec.envdsl`{saved}:", "", _fence(example.shown or example.spec, "envdsl")]
    for name, text in example.files:
        language = "csv" if name.endswith(".csv") else "yaml"
        parts += ["", f"`{name}`:", "", _fence(text, language)]
    return "\n".join(parts)


def render_entry(entry: Entry, *, heading: str = "##") -> str:
    """One entry as Markdown: what `envdsl explain` prints and one section of `docs/diagnostics.md`."""
    code: Code = CODES[entry.code]
    return "\n".join(
        [
            f"{heading} {code.code} `{code.name}` ({code.severity.value})",
            "",
            code.summary,
            "",
            "**What it does.** " + entry.what,
            "",
            "**Why is this bad?** " + entry.why,
            "",
            "**Example**",
            "",
            _example(entry.bad),
            "",
            "**Use instead**",
            "",
            _example(entry.good),
            "",
        ]
    )


def render_markdown() -> str:
    """The whole of `docs/diagnostics.md`, generated from `codes.py` and this catalog."""
    out = [
        f"<!-- generated by envdsl from envdsl/diagnostics/codes.py and catalog.py; do not edit. Regenerate: {REGENERATE} -->",
        "",
        "# Diagnostics",
        "",
        "Every code `envdsl check` can report. Errors (`E`) make `check` exit with status 1 and stop `compile`; "
        "warnings (`W`) are shown but stop nothing. `envdsl explain CODE` prints one entry in the terminal. "
        "A code never changes meaning; a retired code is never reused.",
        "",
        "| code | name | summary |",
        "|---|---|---|",
    ]
    for code in CODES.values():
        anchor = f"{code.code}-{code.name}-{code.severity.value}".lower()  # GitHub's slug of the heading
        out.append(f"| [{code.code}](#{anchor}) | `{code.name}` | {code.summary} |")
    group = None
    for code in CODES.values():
        if code.code[1:3] != group:
            group = code.code[1:3]
            out += ["", f"## {_GROUPS.get(group, group)}"]
        out += ["", render_entry(CATALOG[code.code], heading="###").rstrip("\n")]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    """`python -m envdsl.diagnostics.catalog [--check]`: rewrite docs/diagnostics.md, or only compare."""
    text = render_markdown()
    current = DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.exists() else None
    if "--check" in argv:
        if current != text:
            print(f"{DOCS_PATH.name} is stale; regenerate it with `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        DOCS_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {DOCS_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
