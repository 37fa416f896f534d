"""The language server, driven as a real subprocess over stdio by pygls' LSP client.

One server runs for the module (its start-up is most of the cost); each test
opens its own document URI. Expected ranges are computed from the test texts,
and the diagnostics are compared with what `envdsl check --format json`
reports for the same file, so editor and CLI cannot drift apart. The
incremental re-parse is checked against the full parse in-process.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lsprotocol import types as lsp
from pygls.uris import from_fs_path

from envdsl.cli import main
from envdsl.lsp.client import StdioClient
from envdsl.lsp.incremental import reparse
from envdsl.lsp.positions import UTF8, UTF16, UTF32, LineIndex
from envdsl.syntax.fmt import format_text
from envdsl.syntax.parser import parse

ROOT = Path(__file__).resolve().parents[1]
SERVER = [sys.executable, "-c", "from envdsl.cli import entry; entry()", "lsp"]

SHOP = """\
// A small shop, with mistakes on purpose.
env shop {
  title "Shop"
  domain commerce

  error OutOfStock "No units left."

  enum Color "Paint colours" { red, green }

  entity Product "Something we sell" {
    key sku: str "Stock keeping unit"
    name: str
    stock: int check stock >= 0
    color: Color = red
  }

  tool restock(product: Product, amount: int) -> Product "Add units to a product." {
    let unused = 1
    update product set stock = stock + amout
    return product
  }

  tool sell(product: Product) raises OutOfStock {
    require product.stock > 0 else OutOfStock "no {product.name} left"
    update product set stock = stock - "one"
  }
}
"""

CLEAN = SHOP.replace("    let unused = 1\n", "").replace("amout", "amount").replace('- "one"', "- 1")


def find(text: str, needle: str, nth: int = 0) -> int:
    """The offset of the `nth` occurrence of `needle` as a whole word (`stock`, not the end of `restock`)."""
    pattern = (r"\b" if needle[0].isalnum() else "") + re.escape(needle) + (r"\b" if needle[-1].isalnum() else "")
    return [m.start() for m in re.finditer(pattern, text)][nth]


def position_of(text: str, offset: int) -> lsp.Position:
    """The LSP position of an offset in an ASCII text (or a non-ASCII one before its first non-ASCII line)."""
    line = text.count("\n", 0, offset)
    return lsp.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def at(text: str, needle: str, nth: int = 0, shift: int = 0) -> lsp.Position:
    return position_of(text, find(text, needle, nth) + shift)


def span(text: str, needle: str, nth: int = 0) -> lsp.Range:
    start = find(text, needle, nth)
    return lsp.Range(position_of(text, start), position_of(text, start + len(needle)))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lsp")


@pytest.fixture(scope="module")
def client():
    driver = StdioClient(SERVER, timeout=60)
    driver.start()
    yield driver
    code = driver.stop()
    assert code == 0, driver.server_stderr.decode(errors="replace")
    assert b"Traceback" not in driver.server_stderr, driver.server_stderr.decode(errors="replace")
    assert driver.messages == []  # the server never reported an internal error to the user


def open_doc(client: StdioClient, folder: Path, name: str, text: str) -> tuple[str, lsp.PublishDiagnosticsParams]:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    uri = from_fs_path(str(path))
    assert uri is not None
    client.open(uri, text)
    return uri, client.wait_for_diagnostics(uri, version=1).params


def doc(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri)


def edit(text: str, where: lsp.Range, new: str) -> str:
    lines = LineIndex(text)
    return text[: lines.offset(where.start)] + new + text[lines.offset(where.end) :]


# ------------------------------------------------------------------ diagnostics


def test_diagnostics_on_open_are_the_ones_the_cli_prints(client: StdioClient, folder: Path) -> None:
    uri, published = open_doc(client, folder, "shop.envdsl", SHOP)
    path = folder / "shop.envdsl"
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    assert result.exit_code == 1
    cli = json.loads(result.stdout)
    assert len(cli) == 4

    def cli_key(d: dict) -> tuple:
        primary = next(label for label in d["labels"] if label["primary"])
        start, end = primary["start"], primary["end"]
        return (d["code"], start["line"] - 1, start["column"] - 1, end["line"] - 1, end["column"] - 1)

    def lsp_key(d: lsp.Diagnostic) -> tuple:
        r = d.range
        return (d.code, r.start.line, r.start.character, r.end.line, r.end.character)

    assert sorted(map(lsp_key, published.diagnostics)) == sorted(map(cli_key, cli))
    by_code = {d.code: d for d in published.diagnostics}
    assert all(d.source == "envdsl" for d in published.diagnostics)
    unknown = by_code["E0103"]
    assert unknown.range == span(SHOP, "amout")
    assert unknown.severity == lsp.DiagnosticSeverity.Error
    assert unknown.message.startswith("unknown name `amout`")
    assert "help: did you mean `amount`?" in unknown.message
    assert by_code["E0202"].range == span(SHOP, 'stock - "one"')
    unused = by_code["W0306"]
    assert unused.severity == lsp.DiagnosticSeverity.Warning
    assert unused.range == span(SHOP, "unused")
    assert list(unused.tags) == [lsp.DiagnosticTag.Unnecessary]
    assert by_code["E0202"].tags is None

    # The checker's fix becomes a quick fix.
    actions = client.request(
        "text_document_code_action",
        lsp.CodeActionParams(doc(uri), unknown.range, lsp.CodeActionContext(diagnostics=[unknown])),
    )
    assert len(actions) == 1
    assert actions[0].title == "replace `amout` with `amount`"
    assert actions[0].kind == lsp.CodeActionKind.QuickFix
    assert {k: list(v) for k, v in actions[0].edit.changes.items()} == {
        uri: [lsp.TextEdit(span(SHOP, "amout"), "amount")]
    }


def test_diagnostics_follow_edits_and_close(client: StdioClient, folder: Path) -> None:
    uri, published = open_doc(client, folder, "edits.envdsl", CLEAN)
    assert list(published.diagnostics) == []
    text = CLEAN

    # A type error typed into a tool body (an incremental change, as editors send them).
    where = span(text, "stock - 1")
    client.change(uri, 2, [lsp.TextDocumentContentChangePartial(where, 'stock - "x"')])
    text = edit(text, where, 'stock - "x"')
    diagnostics = client.wait_for_diagnostics(uri, version=2).params.diagnostics
    assert [(d.code, d.range) for d in diagnostics] == [("E0202", span(text, 'stock - "x"'))]

    # A syntax error: the parser's located message.
    where = span(text, "return product")
    client.change(uri, 3, [lsp.TextDocumentContentChangePartial(where, "return product +")])
    text = edit(text, where, "return product +")
    diagnostics = client.wait_for_diagnostics(uri, version=3).params.diagnostics
    assert [d.code for d in diagnostics] == ["E0001"]
    assert diagnostics[0].range.start == position_of(text, text.index("}", text.index("return product +")))
    assert "expected" in diagnostics[0].message

    # Back to clean text, sent whole this time.
    client.change(uri, 4, [lsp.TextDocumentContentChangeWholeDocument(CLEAN)])
    assert list(client.wait_for_diagnostics(uri, version=4).params.diagnostics) == []

    client.notify("text_document_did_close", lsp.DidCloseTextDocumentParams(doc(uri)))
    closed = client.wait_for_diagnostics(uri, version=None, count=5).params
    assert list(closed.diagnostics) == [] and closed.version is None


def test_many_small_edits_give_what_a_fresh_check_gives(client: StdioClient, folder: Path) -> None:
    """Keystroke by keystroke (each re-parsed incrementally), the diagnostics match `envdsl check` of the final text."""
    uri, _ = open_doc(client, folder, "typing.envdsl", CLEAN)
    text, version = CLEAN, 1
    for ch in "    let total = product.stock * 2 + missing\n":
        version += 1
        position = LineIndex(text).position(text.index("    return product"))  # typing just before this line
        where = lsp.Range(position, position)
        client.change(uri, version, [lsp.TextDocumentContentChangePartial(where, ch)])
        text = edit(text, where, ch)
    published = client.wait_for_diagnostics(uri, version=version).params.diagnostics
    path = folder / "typing.envdsl"
    path.write_text(text, encoding="utf-8")
    cli = json.loads(CliRunner().invoke(main, ["check", "--format", "json", str(path)]).stdout)
    assert sorted(d.code for d in published) == sorted(d["code"] for d in cli) == ["E0103", "W0306"]
    assert span(text, "missing") in [d.range for d in published]


def test_seed_problems_are_published_for_the_seed_file(client: StdioClient, folder: Path) -> None:
    seed = folder / "seeded.seed.yaml"
    seed.write_text('Product:\n  - {sku: "A1", name: "Brush", stock: many}\n', encoding="utf-8")
    spec = CLEAN.replace("domain commerce\n", 'domain commerce\n  seed "seeded.seed.yaml"\n')
    uri, published = open_doc(client, folder, "seeded.envdsl", spec)
    assert list(published.diagnostics) == []
    seed_uri = from_fs_path(str(seed))
    found = client.wait_for_diagnostics(seed_uri).params.diagnostics
    assert len(found) == 1 and found[0].code.startswith("E04")
    assert found[0].range.start.line == 1
    assert found[0].range == span(seed.read_text(), "many")

    # A missing seed file is reported at the spec's `seed` line, and moves with edits made before it.
    seed.unlink()
    client.notify("text_document_did_save", lsp.DidSaveTextDocumentParams(doc(uri)))
    missing = client.wait_for_diagnostics(uri, count=2).params.diagnostics
    assert [(d.code, d.range) for d in missing] == [("E0401", span(spec, 'seed "seeded.seed.yaml"'))]
    assert (
        list(client.wait_for_diagnostics(seed_uri, count=2).params.diagnostics) == []
    )  # cleared: nothing to say about it now
    where = span(spec, '"Shop"')
    client.change(uri, 2, [lsp.TextDocumentContentChangePartial(where, '"Shop and more"')])
    spec = edit(spec, where, '"Shop and more"')
    moved = client.wait_for_diagnostics(uri, version=2).params.diagnostics
    assert [(d.code, d.range) for d in moved] == [("E0401", span(spec, 'seed "seeded.seed.yaml"'))]


# ------------------------------------------------------------------ hover and navigation


def hover_text(client: StdioClient, uri: str, position: lsp.Position) -> str:
    result = client.request("text_document_hover", lsp.HoverParams(doc(uri), position))
    assert result is not None
    assert result.contents.kind == lsp.MarkupKind.Markdown
    return result.contents.value


def test_hover(client: StdioClient, folder: Path) -> None:
    uri, _ = open_doc(client, folder, "hover.envdsl", CLEAN)
    tool = hover_text(client, uri, at(CLEAN, "tool sell", shift=7))
    assert "tool sell(product: Product)\n  raises OutOfStock" in tool
    assert "- `OutOfStock`: No units left." in tool
    assert "- `NotFound`" in tool  # implied by the entity parameter, as the checker adds it
    entity = hover_text(client, uri, at(CLEAN, "product: Product", shift=10))
    assert "entity Product {\n  key sku: str\n  name: str\n  stock: int\n  color: Color\n}" in entity
    assert "Something we sell" in entity
    field = hover_text(client, uri, at(CLEAN, "product.stock", shift=9))
    assert "Product.stock: int" in field
    key = hover_text(client, uri, at(CLEAN, "sku"))
    assert "Product.sku: str (key)" in key and "Stock keeping unit" in key
    value = hover_text(client, uri, at(CLEAN, "= red", shift=2))
    assert "Color.red" in value and "Paint colours" in value
    param = hover_text(client, uri, at(CLEAN, "amount", nth=1))
    assert "(parameter of restock) amount: int" in param
    error = hover_text(client, uri, at(CLEAN, "else OutOfStock", shift=5))
    assert "error OutOfStock" in error and "No units left." in error
    result = client.request("text_document_hover", lsp.HoverParams(doc(uri), at(CLEAN, "// A small")))
    assert result is None  # a comment names nothing


def test_definition_of_every_kind_of_name(client: StdioClient, folder: Path) -> None:
    uri, _ = open_doc(client, folder, "definition.envdsl", CLEAN)
    cases = [
        (at(CLEAN, "product: Product", shift=10), span(CLEAN, "Product", 0)),  # entity
        (at(CLEAN, "product.stock", shift=9), span(CLEAN, "stock", 0)),  # field
        (at(CLEAN, "stock + amount"), span(CLEAN, "stock", 0)),  # bare field after `update … set`
        (at(CLEAN, "color: Color", shift=8), span(CLEAN, "Color", 0)),  # enum
        (at(CLEAN, "= red", shift=2), span(CLEAN, "red", 0)),  # enum value
        (at(CLEAN, "else OutOfStock", shift=6), span(CLEAN, "OutOfStock", 0)),  # error
        (at(CLEAN, "raises OutOfStock", shift=8), span(CLEAN, "OutOfStock", 0)),  # error in `raises`
        (at(CLEAN, "+ amount", shift=3), span(CLEAN, "amount", 0)),  # parameter
        (at(CLEAN, "{product.name}", shift=1), span(CLEAN, "product", 4)),  # parameter, inside a message
        (at(CLEAN, "tool sell", shift=6), span(CLEAN, "sell", 1)),  # a tool: its own name (0 is in a doc string)
    ]
    for position, target in cases:
        result = client.request("text_document_definition", lsp.DefinitionParams(doc(uri), position))
        assert result == lsp.Location(uri, target), position


def test_definition_of_locals(client: StdioClient, folder: Path) -> None:
    text = CLEAN.replace(
        "    update product set stock = stock + amount\n",
        "    let more = amount * 2\n    update product set stock = stock + more\n",
    )
    uri, published = open_doc(client, folder, "locals.envdsl", text)
    assert list(published.diagnostics) == []
    result = client.request("text_document_definition", lsp.DefinitionParams(doc(uri), at(text, "+ more", shift=3)))
    assert result == lsp.Location(uri, span(text, "more", 0))
    assert "(local) more: int" in hover_text(client, uri, at(text, "+ more", shift=3))


def test_references(client: StdioClient, folder: Path) -> None:
    uri, _ = open_doc(client, folder, "references.envdsl", CLEAN)

    def refs(position: lsp.Position, declaration: bool = True) -> list[lsp.Range]:
        context = lsp.ReferenceContext(include_declaration=declaration)
        found = client.request(
            "text_document_references", lsp.ReferenceParams(text_document=doc(uri), position=position, context=context)
        )
        assert all(location.uri == uri for location in found)
        return sorted((location.range for location in found), key=lambda r: (r.start.line, r.start.character))

    stock = [span(CLEAN, "stock", n) for n in range(7)]
    assert refs(at(CLEAN, "product.stock", shift=9)) == stock
    assert refs(at(CLEAN, "stock", 0), declaration=False) == stock[1:]
    product_type = [span(CLEAN, "Product", n) for n in (0, 1, 2, 3)]  # the entity, two param types, one return type
    assert refs(at(CLEAN, "Product", 2)) == product_type
    assert refs(at(CLEAN, "OutOfStock", 1)) == [span(CLEAN, "OutOfStock", n) for n in range(3)]
    sell_product = [span(CLEAN, "product", n) for n in (4, 5, 6, 7)]  # parameter of sell only, not of restock
    assert refs(at(CLEAN, "product", 4)) == sell_product
    highlights = client.request(
        "text_document_document_highlight", lsp.DocumentHighlightParams(doc(uri), at(CLEAN, "red", 0))
    )
    assert [(h.range, h.kind) for h in highlights] == [
        (span(CLEAN, "red", 0), lsp.DocumentHighlightKind.Write),
        (span(CLEAN, "red", 1), lsp.DocumentHighlightKind.Read),
    ]


# ------------------------------------------------------------------ completion


def labels(client: StdioClient, uri: str, position: lsp.Position) -> list[str]:
    result = client.request("text_document_completion", lsp.CompletionParams(doc(uri), position))
    return [item.label for item in result.items]


def test_completion(client: StdioClient, folder: Path) -> None:
    uri, _ = open_doc(client, folder, "completion.envdsl", CLEAN)
    # After a dot: the fields of the row.
    assert sorted(labels(client, uri, at(CLEAN, "product.stock", shift=8))) == ["color", "name", "sku", "stock"]
    # A bare name in a tool body: parameters first, then fields in scope, enum values, types, built-ins, keywords.
    names = labels(client, uri, at(CLEAN, "product.stock", shift=0))
    assert names[0] == "product"
    assert "amount" not in names  # a parameter of another tool
    assert {"Product", "Color", "red", "now", "len", "require", "find"} <= set(names)
    in_update = labels(client, uri, at(CLEAN, "stock + amount"))
    assert {"product", "amount", "stock", "sku"} <= set(in_update)
    # After `else`: the errors.
    assert sorted(labels(client, uri, at(CLEAN, "else OutOfStock", shift=5))) == ["NotFound", "OutOfStock"]
    # After `:` in a declaration: the types.
    types = labels(client, uri, at(CLEAN, "name: str", shift=6))
    assert {"str", "int", "money", "Product", "Color"} <= set(types) and "require" not in types

    # While the text does not parse (a dot typed, no field yet), names come from the last text that did.
    where = span(CLEAN, "product.stock > 0")
    typing = edit(CLEAN, where, "product. > 0")
    client.change(uri, 2, [lsp.TextDocumentContentChangePartial(where, "product. > 0")])
    assert client.wait_for_diagnostics(uri, version=2).params.diagnostics[0].code == "E0001"
    assert sorted(labels(client, uri, at(typing, "product. > 0", shift=8))) == ["color", "name", "sku", "stock"]
    enum_dot = edit(typing, span(typing, "= red"), "= Color.")
    client.change(uri, 3, [lsp.TextDocumentContentChangeWholeDocument(enum_dot)])
    assert sorted(labels(client, uri, at(enum_dot, "Color.", shift=6))) == ["green", "red"]


# ------------------------------------------------------------------ formatting and symbols


def test_formatting_applies_fmt(client: StdioClient, folder: Path) -> None:
    messy = CLEAN.replace('  title "Shop"', 'title    "Shop"').replace("    name: str\n", "        name:str\n")
    expected, _ = format_text(messy, "messy.envdsl")
    assert expected is not None and expected != messy
    uri, _ = open_doc(client, folder, "messy.envdsl", messy)
    options = lsp.FormattingOptions(tab_size=2, insert_spaces=True)
    edits = client.request("text_document_formatting", lsp.DocumentFormattingParams(doc(uri), options))
    assert len(edits) == 1
    assert edit(messy, edits[0].range, edits[0].new_text) == expected
    assert edits[0].range.start.line > 0  # only the stretch that changed is replaced
    # Formatted text needs no edit; text that does not parse cannot be formatted.
    client.change(uri, 2, [lsp.TextDocumentContentChangeWholeDocument(expected)])
    assert list(client.request("text_document_formatting", lsp.DocumentFormattingParams(doc(uri), options))) == []
    client.change(uri, 3, [lsp.TextDocumentContentChangeWholeDocument(expected.replace("env shop {", "env shop"))])
    assert client.request("text_document_formatting", lsp.DocumentFormattingParams(doc(uri), options)) is None


def test_document_symbols(client: StdioClient, folder: Path) -> None:
    uri, _ = open_doc(client, folder, "symbols.envdsl", CLEAN)
    (env,) = client.request("text_document_document_symbol", lsp.DocumentSymbolParams(doc(uri)))
    assert (env.name, env.kind, env.detail) == ("shop", lsp.SymbolKind.Module, "Shop")
    assert env.selection_range == span(CLEAN, "shop", 1)  # 0 is in the comment
    summary = [(s.name, s.kind, [c.name for c in s.children or []]) for s in env.children]
    assert summary == [
        ("OutOfStock", lsp.SymbolKind.Event, []),
        ("Color", lsp.SymbolKind.Enum, ["red", "green"]),
        ("Product", lsp.SymbolKind.Class, ["sku", "name", "stock", "color"]),
        ("restock", lsp.SymbolKind.Function, ["product", "amount"]),
        ("sell", lsp.SymbolKind.Function, ["product"]),
    ]
    sell = env.children[4]
    assert sell.detail == "(product: Product)"
    assert sell.range.start == at(CLEAN, "tool sell") and sell.range.end == lsp.Position(
        at(CLEAN, "tool sell").line + 3, 3
    )
    assert env.children[2].children[2].detail == "int"


# ------------------------------------------------------------------ positions


def test_utf16_positions_with_non_ascii_text(client: StdioClient, folder: Path) -> None:
    line = '    let tag = "🚀 café" let more = amout + product.stock\n'
    text = CLEAN.replace("    return product\n", line + "    return product\n", 1)
    uri, published = open_doc(client, folder, "unicode.envdsl", text)
    row = at(text, "    let tag").line
    # Columns count UTF-16 code units: the rocket is two, `é` one.
    column = line.index("amout") + 1
    unknown = next(d for d in published.diagnostics if d.code == "E0103")
    assert unknown.range == lsp.Range(lsp.Position(row, column), lsp.Position(row, column + 5))
    stock = lsp.Position(row, line.index("stock") + 1 + 2)
    result = client.request("text_document_hover", lsp.HoverParams(doc(uri), stock))
    assert "Product.stock: int" in result.contents.value
    assert result.range == lsp.Range(
        lsp.Position(row, line.index("stock") + 1), lsp.Position(row, line.index("stock") + 6)
    )
    found = client.request("text_document_definition", lsp.DefinitionParams(doc(uri), stock))
    assert found.range == span(text, "stock", 0)
    # An edit placed by UTF-16 columns lands where the client meant it.
    where = lsp.Range(lsp.Position(row, column), lsp.Position(row, column + 5))
    client.change(uri, 2, [lsp.TextDocumentContentChangePartial(where, "amount")])
    assert [d.code for d in client.wait_for_diagnostics(uri, version=2).params.diagnostics] == ["W0306", "W0306"]


def test_utf8_positions_when_the_client_asks(folder: Path) -> None:
    """A client that offers UTF-8 positions gets them: columns count bytes."""
    with StdioClient(
        SERVER, position_encodings=[lsp.PositionEncodingKind.Utf8, lsp.PositionEncodingKind.Utf16]
    ) as client:
        assert client.capabilities is not None
        assert client.capabilities.position_encoding == lsp.PositionEncodingKind.Utf8
        line = '    let tag = "🚀 café" let more = amout\n'
        text = CLEAN.replace("    return product\n", line + "    return product\n", 1)
        uri, published = open_doc(client, folder, "utf8.envdsl", text)
        unknown = next(d for d in published.diagnostics if d.code == "E0103")
        column = len(line[: line.index("amout")].encode("utf-8"))
        assert unknown.range.start == lsp.Position(at(text, "    let tag").line, column)


def test_line_index_in_each_encoding() -> None:
    text = "ab\r\n🚀é = x\rlast\n"
    x = text.index("x")
    for encoding, column in ((UTF16, 6), (UTF8, 9), (UTF32, 5)):
        lines = LineIndex(text, encoding)
        assert lines.position(x) == lsp.Position(1, column)
        assert lines.offset(lsp.Position(1, column)) == x
        assert lines.offset(lsp.Position(1, 999)) == text.index("\rlast")  # past the end: the end of the line
    lines = LineIndex(text)
    assert lines.position(text.index("last")) == lsp.Position(2, 0)  # a lone \r ends a line too
    assert lines.position(3) == lsp.Position(0, 2)  # inside \r\n: the end of the line
    assert lines.offset(lsp.Position(9, 0)) == len(text)


# ------------------------------------------------------------------ incremental parsing


def _random_edits(text: str, rng: random.Random, count: int) -> list[str]:
    """`count` variants of `text`, each with one to three small random edits (the base may be several edits old)."""
    snippets = ["", "x", " ", "\n", "}", "{", '"', '"""', "1", ".y", "// note {\n", "tool", "let z = 1\n", "#"]
    snippets += ['"a {b} c"', "enum E { a }\n", "require a else", "x: int\n"]
    variants = []
    for _ in range(count):
        new = text
        for _ in range(rng.choice([1, 1, 2, 3])):
            start = rng.randrange(len(new))
            new = new[:start] + rng.choice(snippets) + new[start + rng.choice([0, 0, 1, 4]) :]
        variants.append(new)
    return variants


def test_incremental_parse_equals_full_parse() -> None:
    """Random small edits: `reparse` gives `parse`'s module and diagnostics, or declines.

    Broken texts included: a syntax error inside the re-parsed region stands
    for the full parse's. Mostly on the small shop spec (a full parse to
    compare with is cheap, and item borders are close everywhere), and a few
    on the largest shipped spec.
    """
    rng = random.Random(11)
    largest = max((ROOT / "specs").rglob("*.envdsl"), key=lambda p: p.stat().st_size)
    texts = [(CLEAN, 300), (SHOP.replace("amout", '"{amout."'), 100), (largest.read_text(encoding="utf-8"), 6)]
    reused = broken = 0
    for text, count in texts:
        module, diagnostics = parse(text, "spec.envdsl")
        for new in _random_edits(text, rng, count):
            result = reparse(text, module, diagnostics, new)
            if result is None:
                continue
            reused += 1
            broken += result[0].env is None
            full_module, full_diagnostics = parse(new, "spec.envdsl")
            assert result[0] == full_module, new
            assert sorted(result[1], key=lambda d: d.sort_key()) == sorted(
                full_diagnostics, key=lambda d: d.sort_key()
            ), new
    assert reused >= 200 and broken >= 60  # the fast paths are really taken


def test_incremental_parse_keeps_interpolation_diagnostics() -> None:
    text = CLEAN.replace('"no {product.name} left"', '"no {product.} left"')
    module, diagnostics = parse(text, "x.envdsl")
    assert [d.code for d in diagnostics] == ["E0004"]
    for old, new in (("green", "blue"), ("restock", "restocks"), ("- 1", "- 2")):  # items before it, its own
        changed = text.replace(old, new, 1)
        result = reparse(text, module, diagnostics, changed)
        assert result is not None, old
        assert result == parse(changed, "x.envdsl")


# ------------------------------------------------------------------ the command


def test_lsp_without_pygls_says_how_to_install() -> None:
    code = (
        "import sys; sys.modules['pygls'] = None; from envdsl.cli import entry; sys.argv = ['envdsl', 'lsp']; entry()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 2
    assert 'pip install "envdsl[lsp]"' in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
