"""The VS Code extension files: the TextMate grammar stays in sync with `grammar/envdsl.lark`.

Three checks. The keyword lists in `syntaxes/envdsl.tmLanguage.json` are the
grammar's keywords, no more and no fewer. Run over every shipped spec by a
small TextMate engine (below: line by line, earliest match wins, begin/end
rules across lines, as editors apply such grammars), every word the parser
reads as a keyword is coloured as one and every word it reads as a name is
not, and strings and comments are exactly where the parser finds them. The
extension manifest points at files that exist and names the server command,
and `extension.js`, run by node against stand-ins for the VS Code API (which
only exists inside VS Code), starts the configured command over stdio.
"""

from __future__ import annotations

import bisect
import functools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

import lark
import pytest

from envdsl.check.builtins import BUILTINS
from envdsl.ir.types import SCALARS
from envdsl.syntax import ast
from envdsl.syntax.parser import GRAMMAR_PATH, parse

ROOT = Path(__file__).resolve().parents[1]
VSCODE = ROOT / "editors" / "vscode"
TM = json.loads((VSCODE / "syntaxes" / "envdsl.tmLanguage.json").read_text(encoding="utf-8"))
KEYWORD_SCOPES = ("keyword.control", "keyword.other", "keyword.operator.logical", "storage.", "constant.language")
SPECS = sorted((ROOT / "specs").rglob("*.envdsl"))


@functools.cache
def grammar_keywords() -> frozenset[str]:
    """Every keyword of grammar/envdsl.lark: its anonymous string terminals that are words."""
    parser = lark.Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr")
    return frozenset(
        t.pattern.value
        for t in parser.terminals
        if isinstance(t.pattern, lark.lexer.PatternStr) and t.pattern.value.isidentifier()
    )


def alternatives(pattern: str) -> set[str]:
    """The words of the `(?:a|b|c)` groups in a TextMate regex."""
    return {
        word
        for group in re.findall(r"\(\?:([A-Za-z_|]+)\)|\(([A-Za-z_]+)\)", pattern)
        for word in "|".join(group).split("|")
        if word
    }


def test_textmate_keywords_are_the_grammar_keywords() -> None:
    highlighted: set[str] = set()
    for rule in TM["repository"]["keywords"]["patterns"]:
        highlighted |= alternatives(rule["match"])
    keywords = grammar_keywords()
    assert "require" in keywords and "description" in keywords  # the extraction reads the real grammar
    assert sorted(keywords - highlighted) == [], "keywords of grammar/envdsl.lark that are not highlighted"
    assert sorted(highlighted - keywords) == [], "highlighted as keywords but not keywords of the grammar"


def test_textmate_builtins_are_the_checker_builtins() -> None:
    functions, types = TM["repository"]["builtins"]["patterns"]
    assert alternatives(functions["match"]) == set(BUILTINS) | {"next_id"}
    assert alternatives(types["match"]) == set(SCALARS) | {"duration"}


# ------------------------------------------------------------------ a small TextMate engine


@dataclass
class Rule:
    name: str | None
    match: re.Pattern[str] | None = None
    captures: dict[int, str] | None = None
    begin: re.Pattern[str] | None = None
    end: re.Pattern[str] | None = None
    inner: list[Rule] | None = None


def compile_rules(patterns: list[dict]) -> list[Rule]:
    rules: list[Rule] = []
    for pattern in patterns:
        if "include" in pattern:
            rules += compile_rules(TM["repository"][pattern["include"].removeprefix("#")]["patterns"])
            continue
        captures = {int(k): v["name"] for k, v in pattern.get("captures", {}).items()}
        if "match" in pattern:
            rules.append(Rule(pattern.get("name"), re.compile(pattern["match"]), captures))
        else:
            inner = compile_rules(pattern.get("patterns", []))
            rules.append(
                Rule(
                    pattern.get("name"), begin=re.compile(pattern["begin"]), end=re.compile(pattern["end"]), inner=inner
                )
            )
    return rules


def earliest(rules: list[Rule], line: str, pos: int) -> tuple[Rule, re.Match[str]] | None:
    best = None
    for rule in rules:
        found = (rule.match or rule.begin).search(line, pos)  # type: ignore[union-attr]
        if found and (best is None or found.start() < best[1].start()):
            best = (rule, found)
    return best


def scopes(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, scope) of each token the grammar names; begin/end rules give their whole region."""
    top = compile_rules(TM["patterns"])
    stack: list[tuple[Rule, int]] = []  # open begin/end rules and where they began
    offset = 0
    for line in text.split("\n"):
        pos = 0
        while pos <= len(line):
            if stack:
                rule, began = stack[-1]
                closing = rule.end.search(line, pos)  # type: ignore[union-attr]
                inner = earliest(rule.inner or [], line, pos)
                if inner and (closing is None or inner[1].start() < closing.start()):
                    pos = max(inner[1].end(), pos + 1)
                    continue
                if closing is None:
                    break
                stack.pop()
                yield began, offset + closing.end(), rule.name or ""
                pos = closing.end()
                continue
            found = earliest(top, line, pos)
            if found is None:
                break
            rule, match = found
            if rule.begin is not None:
                stack.append((rule, offset + match.start()))
            elif rule.captures:
                for group, name in rule.captures.items():
                    yield offset + match.start(group), offset + match.end(group), name
            else:
                yield offset + match.start(), offset + match.end(), rule.name or ""
            pos = max(match.end(), pos + 1)
        offset += len(line) + 1


# ------------------------------------------------------------------ the parser's view


def walk(node: object) -> Iterator[object]:
    yield node
    if isinstance(node, tuple):
        for item in node:
            yield from walk(item)
    elif is_dataclass(node) and not isinstance(node, type):
        for f in fields(node):
            yield from walk(getattr(node, f.name))


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_highlighting_agrees_with_the_parser(spec: Path) -> None:
    text = spec.read_text(encoding="utf-8")
    module, diagnostics = parse(text, spec.name)
    if module.env is None:  # test_compile and the goldens fail on it; here there is no parser's view to compare with
        pytest.skip(f"{spec.name} does not parse: {diagnostics[0].message}")
    nodes = list(walk(module.env))
    names = {(n.span.start, n.span.end) for n in nodes if isinstance(n, ast.Ident)}
    strings = sorted({(n.span.start, n.span.end) for n in nodes if isinstance(n, ast.Text)})
    comments = sorted((c.span.start, c.span.end) for c in module.comments)

    tokens = list(scopes(text))
    assert sorted((s, e) for s, e, scope in tokens if scope.startswith("string.")) == strings
    assert sorted((s, e) for s, e, scope in tokens if scope.startswith("comment.")) == comments
    scope_at = {(s, e): scope for s, e, scope in tokens}
    covered = sorted(strings + comments)
    starts = [s for s, _ in covered]
    keywords = grammar_keywords()
    wrong = []
    for word in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*", text):
        where = (word.start(), word.end())
        i = bisect.bisect_right(starts, word.start()) - 1
        if (i >= 0 and word.start() < covered[i][1]) or text[word.start() - 1 : word.start()].isdigit():
            continue  # inside a string or a comment, or a number's tail
        scope = scope_at.get(where, "")
        is_keyword_scope = scope.startswith(KEYWORD_SCOPES)
        if where in names:
            if is_keyword_scope:
                wrong.append(
                    f"name `{word.group()}` coloured as {scope} (line {text.count(chr(10), 0, word.start()) + 1})"
                )
        else:
            assert word.group() in keywords, f"`{word.group()}` is neither a name nor a keyword"
            if not is_keyword_scope:
                wrong.append(
                    f"keyword `{word.group()}` coloured as {scope or 'nothing'} (line {text.count(chr(10), 0, word.start()) + 1})"
                )
    assert wrong == []


def test_engine_sees_contextual_keywords_as_the_parser_does() -> None:
    """The hard cases: keywords used as names (fields, parameters), `count` as a name, a keyword after a dot."""
    text = (
        "env e {\n  entity Order {\n    key id: int\n    description: str\n    count: int check count >= 0\n"
        "    limit: int check limit > 0\n    first: str\n  }\n"
        '  tool t(o: Order, limit: int) -> int {\n    update o set\n      description = "x", first = "y"\n'
        "    let top = find first x in Order where x.limit > limit order by x.count desc\n"
        "    let some = find x in Order limit limit\n"
        "    return count(x in Order where x.count > 0)\n  }\n}\n"
    )
    module, diagnostics = parse(text, "e.envdsl")
    assert module.env is not None, diagnostics
    lines = text.split("\n")
    found: dict[tuple[str, int, int], str] = {}
    for s, e, scope in scopes(text):
        line = text.count("\n", 0, s)
        before = lines[line][: s - (text.rfind("\n", 0, s) + 1)]
        nth = len(re.findall(rf"\b{re.escape(text[s:e])}\b", before))  # the same word earlier on the line
        found[(text[s:e], line, nth)] = scope
    name, query = "variable.other.envdsl", "keyword.other.query.envdsl"
    assert found[("description", 3, 0)] == name and found[("description", 10, 0)] == name
    assert found[("count", 4, 0)] == name and found[("count", 4, 1)] == name
    assert found[("limit", 5, 0)] == name and found[("limit", 5, 1)] == name and found[("limit", 8, 0)] == name
    assert found[("first", 6, 0)] == name and found[("first", 10, 0)] == name
    assert found[("set", 9, 0)] == "keyword.control.envdsl"
    assert found[("first", 11, 0)] == query and found[("order", 11, 0)] == query and found[("by", 11, 0)] == query
    assert found[("limit", 11, 1)] == name  # `x.limit > limit`: both names
    assert found[("limit", 12, 0)] == query and found[("limit", 12, 1)] == name  # `limit limit`
    assert found[("count", 13, 0)] == query and found[("count", 13, 1)] == name
    assert found[("key", 2, 0)] == "storage.modifier.envdsl"
    assert found[("Order", 1, 0)] == "entity.name.type.envdsl" and found[("entity", 1, 0)] == "storage.type.envdsl"
    assert found[("t", 8, 0)] == "entity.name.function.envdsl"


# ------------------------------------------------------------------ the extension


def test_extension_manifest() -> None:
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    assert language["id"] == "envdsl" and language["extensions"] == [".envdsl"]
    assert (VSCODE / language["configuration"]).is_file()
    (grammar,) = manifest["contributes"]["grammars"]
    assert grammar["language"] == "envdsl" and grammar["scopeName"] == TM["scopeName"]
    assert (VSCODE / grammar["path"]).resolve() == (VSCODE / "syntaxes" / "envdsl.tmLanguage.json").resolve()
    assert (VSCODE / manifest["main"]).is_file()
    assert "onLanguage:envdsl" in manifest["activationEvents"]
    command = manifest["contributes"]["configuration"]["properties"]["envdsl.server.command"]
    assert command["default"] == ["envdsl", "lsp"]
    extension = (VSCODE / manifest["main"]).read_text(encoding="utf-8")
    assert "envdsl.server.command" in extension and "vscode-languageclient/node" in extension
    assert "vscode-languageclient" in manifest["dependencies"]
    config = json.loads((VSCODE / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"]["lineComment"] == "//"
    assert ["{", "}"] in config["brackets"]
    # The word pattern must match whole names, as the grammar's NAME does.
    word = re.compile(config["wordPattern"])
    assert word.fullmatch("seats_left") and word.fullmatch("_x9") and not word.fullmatch("9x")


_STUBS = {
    # Stand-ins for the VS Code API and vscode-languageclient (neither can run outside VS Code): they
    # record what the extension asks for, so the test sees the command, transport and documents.
    "node_modules/vscode/index.js": """
exports.calls = [];
exports.workspace = { getConfiguration: (section) => ({ get: (key, fallback) => {
  exports.calls.push(["config", section, key]);
  return process.env.ENVDSL_TEST_COMMAND ? JSON.parse(process.env.ENVDSL_TEST_COMMAND) : fallback; } }) };
exports.window = { showErrorMessage: (message) => exports.calls.push(["error", message]) };
""",
    "node_modules/vscode-languageclient/node.js": """
exports.TransportKind = { stdio: 0, ipc: 1 };
exports.created = [];
exports.LanguageClient = class {
  constructor(id, name, server, client) { exports.created.push({ id, name, server, client }); this.stopped = false; }
  start() { return process.env.ENVDSL_TEST_FAIL ? Promise.reject(new Error("spawn envdsl ENOENT")) : Promise.resolve(); }
  stop() { this.stopped = true; return Promise.resolve(); }
  dispose() {}
};
""",
    "driver.js": """
const extension = require("./extension.js");
const vscode = require("vscode");
const client = require("vscode-languageclient/node");
const context = { subscriptions: [] };
Promise.resolve(extension.activate(context)).then(() => {
  const stop = extension.deactivate();
  console.log(JSON.stringify({ created: client.created, calls: vscode.calls, subscriptions: context.subscriptions.length,
                               stops: stop instanceof Promise }));
});
""",
}


@pytest.mark.parametrize("configured", [None, ["/venv/bin/envdsl", "lsp", "--stdio"]])
def test_extension_starts_the_configured_server(tmp_path: Path, configured: list[str] | None) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    for name, source in _STUBS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source, encoding="utf-8")
    shutil.copy(VSCODE / "extension.js", tmp_path / "extension.js")
    env = {**os.environ, "NODE_PATH": ""}
    if configured:
        env["ENVDSL_TEST_COMMAND"] = json.dumps(configured)
    done = subprocess.run([node, "driver.js"], cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    (created,) = report["created"]
    command = configured or ["envdsl", "lsp"]
    assert created["server"]["run"] == {"command": command[0], "args": command[1:], "transport": 0}
    assert {"language": "envdsl", "scheme": "file"} in created["client"]["documentSelector"]
    assert report["calls"] == [["config", "envdsl", "server.command"]]
    assert report["subscriptions"] == 1 and report["stops"]


def test_extension_explains_a_server_that_does_not_start(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    for name, source in _STUBS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source, encoding="utf-8")
    shutil.copy(VSCODE / "extension.js", tmp_path / "extension.js")
    env = {**os.environ, "ENVDSL_TEST_FAIL": "1"}
    done = subprocess.run([node, "driver.js"], cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    errors = [call for call in json.loads(done.stdout)["calls"] if call[0] == "error"]
    assert len(errors) == 1
    assert "spawn envdsl ENOENT" in errors[0][1] and 'pip install "envdsl[lsp]"' in errors[0][1]
