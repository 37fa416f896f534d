"""Generated SQLite statements, translated for PostgreSQL and DuckDB.

Rule: a statement is translated once, when a backend first meets it
(`Translator.get` caches by the statement's text), never per call, and the
translation keeps the meaning the SQLite text has in envdsl, value for value:

- placeholders: `?` becomes `$1 … $n` numbered in text order, so a rewrite
  that repeats or moves a subexpression still binds the right value;
- booleans are 0/1 integers, as SQLite stores and returns them: an integer in
  a condition (a bool column, a bound flag, the literal `0`) is tested with
  `<> 0`, and a condition used as a value (`SELECT EXISTS …`) becomes 0/1;
- integers are 64-bit (`CAST … AS INTEGER` → BIGINT), `SUM` of integers stays
  an integer (PostgreSQL would return NUMERIC), `round` takes ties away from
  zero (PostgreSQL's float `round` takes them to even);
- `lower`/`upper` change ASCII letters only, as SQLite's do;
- SQLite-only functions (`substr` with a negative start, `unixepoch`,
  `date`/`strftime` with 'unixepoch', `julianday`, `json_each`) get
  equivalents;
- the rest is sqlglot's SQLite → target transpilation (`instr`, `max(a, b)`,
  NULL ordering, `IS` between values).

`Statement` also describes writes (table, columns, the key placeholder) so
that the DuckDB backend can check foreign keys itself (see `backends_duckdb`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp

TARGETS = ("postgres", "duckdb")

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


class TranslationError(Exception):
    """A generated statement this module cannot translate (a bug or a gap in envdsl)."""


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str  # the translated text, placeholders $1 … $n
    kind: str  # select | insert | update | delete | other
    table: str | None = None  # the table a write changes
    assigned: tuple[tuple[str, int], ...] = ()  # (column, 0-based parameter index) an insert/update sets
    key_param: int | None = None  # 0-based index of the `WHERE column = ?` parameter of an update/delete
    key_column: str | None = None  # that column
    returns_rows: bool = True  # whether the statement yields a result set


# Expressions for SQLite-only functions, per target; `__a`/`__b` stand for the arguments.
_TEMPLATES = {
    "postgres": {
        "unixepoch": "CAST(EXTRACT(EPOCH FROM CAST(__a AS TIMESTAMP)) AS BIGINT)",
        "date_unix": "TO_CHAR(CAST('1970-01-01' AS TIMESTAMP) + CAST(__a AS BIGINT) * INTERVAL '1 second', 'YYYY-MM-DD')",
        "datetime_unix": (
            "TO_CHAR(CAST('1970-01-01' AS TIMESTAMP) + CAST(__a AS BIGINT) * INTERVAL '1 second', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS')"
        ),
        "julian_days": "(CAST(__a AS DATE) - CAST(__b AS DATE))",
        "in_json": "(TO_JSONB(__a) IN (SELECT JSONB_ARRAY_ELEMENTS(CAST(__b AS JSONB))))",
        "round": "ROUND(CAST(__a AS NUMERIC))",
        "round_n": "ROUND(CAST(__a AS NUMERIC), __b)",
    },
    "duckdb": {
        "unixepoch": "CAST(EPOCH(CAST(__a AS TIMESTAMP)) AS BIGINT)",
        "date_unix": "STRFTIME(CAST('1970-01-01' AS TIMESTAMP) + TO_SECONDS(CAST(__a AS BIGINT)), '%Y-%m-%d')",
        "datetime_unix": "STRFTIME(CAST('1970-01-01' AS TIMESTAMP) + TO_SECONDS(CAST(__a AS BIGINT)), '%Y-%m-%dT%H:%M:%S')",
        "julian_days": "(CAST(__a AS DATE) - CAST(__b AS DATE))",
        "in_json": "(CAST(__a AS VARCHAR) IN (SELECT JSON_EXTRACT_STRING(value, '$') FROM JSON_EACH(__b)))",
        "round": "ROUND(CAST(__a AS DOUBLE))",  # DuckDB rounds ties away from zero, as SQLite does
        "round_n": "ROUND(CAST(__a AS DOUBLE), __b)",
    },
}


_SQLITE_ONLY = frozenset({"unixepoch", "date", "strftime", "julianday", "json_each", "datetime"})


def _template(dialect: str, name: str, **args: exp.Expression) -> exp.Expression:
    tree = sqlglot.parse_one("SELECT " + _TEMPLATES[dialect][name], read=dialect).selects[0]

    def fill(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name in ("__a", "__b"):
            return args[node.name[2:]].copy()
        return node

    return tree.transform(fill, copy=False)


def _name(node: exp.Expression) -> str:
    return node.name.lower() if isinstance(node, exp.Anonymous) else ""


def _string_arg(node: exp.Expression, index: int) -> str | None:
    items = node.expressions
    if len(items) > index and isinstance(items[index], exp.Literal) and items[index].is_string:
        return items[index].this
    return None


def _is_predicate(node: exp.Expression) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    return isinstance(node, (exp.Predicate, exp.Connector, exp.Not, exp.Boolean))


def _condition_slot(node: exp.Expression) -> bool:
    """Whether `node` (seen through parentheses) stands where SQL wants a condition."""
    child, parent = node, node.parent
    while isinstance(parent, exp.Paren):
        child, parent = parent, parent.parent
    if parent is None:
        return False
    key = child.arg_key
    if isinstance(parent, (exp.Where, exp.Having, exp.Not)) and key == "this":
        return True
    if isinstance(parent, exp.Connector) and key in ("this", "expression"):
        return True
    if isinstance(parent, exp.If) and key == "this":
        return True
    return isinstance(parent, exp.Join) and key == "on"


class Translator:
    """Translates and caches the statements of one compiled environment for one target."""

    def __init__(self, dialect: str) -> None:
        if dialect not in TARGETS:
            raise ValueError(f"no translation to {dialect!r}")
        self.dialect = dialect
        self._cache: dict[str, Statement] = {}

    def get(self, sql: str) -> Statement:
        found = self._cache.get(sql)
        if found is None:
            found = self._cache[sql] = self.translate(sql)
        return found

    # ------------------------------------------------------------ translation

    def translate(self, sql: str) -> Statement:
        try:
            tree = sqlglot.parse_one(sql, read="sqlite")
        except sqlglot.errors.ParseError as error:
            raise TranslationError(f"cannot parse generated SQL {sql!r}: {error}") from None
        count = self._number_placeholders(tree, sql)
        sqlite_only = [n for n in tree.find_all(exp.Anonymous) if _name(n) in _SQLITE_ONLY]
        tree = _postorder(tree, self._rewrite_functions)
        tree = _postorder(tree, self._integer_casts)
        left = {id(n) for n in tree.find_all(exp.Anonymous)}
        for node in sqlite_only:
            if id(node) in left:
                raise TranslationError(f"no {self.dialect} equivalent for this use of {_name(node)}() in {sql!r}")
        self._fix_booleans(tree)
        for node in list(tree.find_all(exp.Placeholder)):
            node.replace(exp.Var(this=f"${node.this}"))
        text = tree.sql(dialect=self.dialect)
        used = {int(n.this[1:]) for n in tree.find_all(exp.Var) if n.this.startswith("$") and n.this[1:].isdigit()}
        if used != set(range(1, count + 1)):
            raise TranslationError(f"the translation of {sql!r} lost a parameter")
        return self._describe(tree, text)

    @staticmethod
    def _number_placeholders(tree: exp.Expression, sql: str) -> int:
        """Number `?` placeholders 1…n in text order: the order in which the
        SQLite generator prints them back (tree order is not text order:
        sqlglot keeps LIMIT before FROM)."""
        nodes = list(tree.find_all(exp.Placeholder))
        if len(nodes) != _count_marks(sql):
            raise TranslationError(f"placeholders of {sql!r} not understood")
        printed = tree.copy()
        for index, node in enumerate(printed.find_all(exp.Placeholder)):
            node.replace(exp.Var(this=f"$P{index}$"))
        shown = printed.sql(dialect="sqlite")
        order = [int(part.split("$")[0]) for part in shown.split("$P")[1:]]
        if sorted(order) != list(range(len(nodes))):
            raise TranslationError(f"placeholders of {sql!r} not understood")
        for number, index in enumerate(order, start=1):
            nodes[index].set("this", str(number))
        return len(nodes)

    def _rewrite_functions(self, node: exp.Expression) -> exp.Expression:
        d = self.dialect
        if isinstance(node, exp.Lower):
            return exp.func("TRANSLATE", node.this, exp.Literal.string(_UPPER), exp.Literal.string(_LOWER))
        if isinstance(node, exp.Upper):
            return exp.func("TRANSLATE", node.this, exp.Literal.string(_LOWER), exp.Literal.string(_UPPER))
        if (
            isinstance(node, exp.Substring)
            and isinstance(node.args.get("start"), exp.Neg)
            and not node.args.get("length")
        ):
            return exp.func("RIGHT", node.this, node.args["start"].this)
        if isinstance(node, exp.Round):
            digits = node.args.get("decimals")
            if digits is None:
                return _template(d, "round", a=node.this)
            return _template(d, "round_n", a=node.this, b=digits)
        if isinstance(node, exp.Coalesce) and isinstance(node.this, exp.Sum):
            fallback = node.expressions[0] if node.expressions else None
            if isinstance(fallback, exp.Literal) and not fallback.is_string and "." not in fallback.this:
                return exp.cast(node, exp.DataType.build("BIGINT"))
            return node
        if isinstance(node, exp.In) and isinstance(node.args.get("query"), exp.Subquery):
            inner = node.args["query"].this
            source = inner.args.get("from_") if isinstance(inner, exp.Select) else None
            table = source.this if source is not None else None
            if isinstance(table, exp.Table) and _name(table.this) == "json_each":
                return _template(d, "in_json", a=node.this, b=table.this.expressions[0])
            return node
        if isinstance(node, exp.Cast) and isinstance(node.this, exp.Sub):
            left, right = node.this.this, node.this.expression
            if _name(left) == "julianday" and _name(right) == "julianday":
                return _template(d, "julian_days", a=left.expressions[0], b=right.expressions[0])
            return node
        name = _name(node)
        if name == "unixepoch" and len(node.expressions) == 1:
            return _template(d, "unixepoch", a=node.expressions[0])
        if name == "date" and _string_arg(node, 1) == "unixepoch":
            return _template(d, "date_unix", a=node.expressions[0])
        if name == "strftime" and _string_arg(node, 0) == "%Y-%m-%dT%H:%M:%S" and _string_arg(node, 2) == "unixepoch":
            return _template(d, "datetime_unix", a=node.expressions[1])
        return node

    @staticmethod
    def _integer_casts(node: exp.Expression) -> exp.Expression:
        # SQLite's INTEGER is 64-bit; PostgreSQL's and DuckDB's INT is 32.
        if isinstance(node, exp.DataType) and node.this in (exp.DataType.Type.INT, exp.DataType.Type.SMALLINT):
            return exp.DataType.build("BIGINT")
        return node

    @staticmethod
    def _fix_booleans(tree: exp.Expression) -> None:
        for node in list(tree.walk()):
            if isinstance(node, exp.Paren) or node.parent is None:
                continue
            if _condition_slot(node):
                if not _is_predicate(node):
                    test = exp.NEQ(this=exp.Null(), expression=exp.Literal.number(0))
                    node.replace(exp.Paren(this=test))
                    test.set("this", node)
                continue
            if not _is_predicate(node):
                continue
            child, parent = node, node.parent
            while isinstance(parent, exp.Paren):
                child, parent = parent, parent.parent
            if isinstance(parent, exp.Update) and child.arg_key == "expressions":
                continue  # `SET "col" = value` is an EQ node, not a comparison
            cast = exp.Cast(this=exp.Null(), to=exp.DataType.build("INT"))
            node.replace(cast)
            cast.set("this", node)

    @staticmethod
    def _describe(tree: exp.Expression, text: str) -> Statement:
        if isinstance(tree, exp.Insert):
            schema = tree.this
            table = schema.this.name if isinstance(schema, exp.Schema) else schema.name
            columns = [c.name for c in schema.expressions] if isinstance(schema, exp.Schema) else []
            values = tree.expression
            rows = values.expressions if isinstance(values, exp.Values) else []
            assigned = ()
            if len(rows) == 1 and len(rows[0].expressions) == len(columns):
                assigned = tuple(
                    (c, _param(v)) for c, v in zip(columns, rows[0].expressions, strict=True) if _param(v) is not None
                )
            return Statement(text, "insert", table, assigned, None, None, bool(tree.args.get("returning")))
        if isinstance(tree, (exp.Update, exp.Delete)):
            table = tree.this.name
            assigned: tuple[tuple[str, int], ...] = ()
            if isinstance(tree, exp.Update):
                assigned = tuple(
                    (e.this.name, _param(e.expression)) for e in tree.expressions if _param(e.expression) is not None
                )
            where = tree.args.get("where")
            key_param = key_column = None
            if where is not None and isinstance(where.this, exp.EQ) and isinstance(where.this.this, exp.Column):
                key_param, key_column = _param(where.this.expression), where.this.this.name
            kind = "update" if isinstance(tree, exp.Update) else "delete"
            returns = bool(tree.args.get("returning"))
            return Statement(
                text, kind, table, assigned, key_param, key_column if key_param is not None else None, returns
            )
        if isinstance(tree, exp.Select) or isinstance(tree, exp.Union):
            return Statement(text, "select")
        return Statement(text, "other", returns_rows=False)


def _param(node: exp.Expression) -> int | None:
    """The 0-based parameter index of a placeholder (None for anything else)."""
    if isinstance(node, exp.Var) and node.this.startswith("$") and node.this[1:].isdigit():
        return int(node.this[1:]) - 1
    return None


def _postorder(tree: exp.Expression, rewrite) -> exp.Expression:
    """Apply `rewrite` to every node, children before their parent (so nested calls are all rewritten)."""
    for node in reversed(list(tree.walk(bfs=False))):
        new = rewrite(node)
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    return tree


def _count_marks(sql: str) -> int:
    """`?` outside string literals and quoted identifiers."""
    count, quote = 0, ""
    for char in sql:
        if quote:
            if char == quote:
                quote = ""
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            count += 1
    return count
