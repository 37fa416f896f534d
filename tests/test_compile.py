"""`envdsl compile`: deterministic, reviewed output; Write/Check modes; atomic writes."""

from __future__ import annotations

import ast
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from envdsl.emit import driver
from envdsl.emit.driver import Mode, apply, build_output, format_python
from envdsl.workspace import load_spec

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "specs").glob("*/*.envdsl"))
CASES = ROOT / "tests" / "cases" / "compile"
_MAIN = "import sys; from envdsl.cli import entry; sys.argv[0] = 'envdsl'; entry()"


def envdsl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _MAIN, *args], cwd=cwd, capture_output=True, text=True, check=False)


def _outputs(specs: list[Path], out_dir: Path) -> list[driver.EnvOutput]:
    outputs = []
    for spec in specs:
        loaded = load_spec(spec)
        assert loaded.ok, loaded.diagnostics
        seed = loaded.seed
        outputs.append(build_output(loaded.env, spec, spec.read_text(encoding="utf-8"), out_dir, seed.hash if seed else None, seed.count() if seed else 0))
    return outputs


@pytest.fixture(scope="module")
def shipped_outputs() -> list[driver.EnvOutput]:
    return _outputs(SHIPPED, ROOT / "compiled")


def test_three_specs_are_shipped() -> None:
    assert {p.parent.name for p in SHIPPED} >= {"travel", "commerce", "productivity"}


def test_output_is_byte_identical_across_runs(shipped_outputs: list[driver.EnvOutput]) -> None:
    again = _outputs(SHIPPED, ROOT / "compiled")
    assert [o.files for o in again] == [o.files for o in shipped_outputs]


def test_committed_compiled_folder_is_up_to_date(shipped_outputs: list[driver.EnvOutput]) -> None:
    report = apply(shipped_outputs, ROOT / "compiled", Mode.CHECK)
    stale = [f"{o.status}: {o.path}\n{o.diff}" for o in report.problems]
    assert not stale, "compiled/ is stale; run `envdsl compile specs/`\n" + "\n".join(stale)


def test_every_file_has_a_generated_header_and_no_absolute_paths(shipped_outputs: list[driver.EnvOutput]) -> None:
    for output in shipped_outputs:
        assert set(output.files) == set(driver.generated_files(output.name))
        for name, data in output.files.items():
            text = data.decode("utf-8")
            first = text.splitlines()[0] if not name.endswith(".json") else json.loads(text)["generated"]
            assert "envdsl" in first and output.spec in first and "do not edit" in first, (name, first)
            assert str(ROOT) not in text, f"absolute path in {name}"
            assert "/tmp" not in text and "\\\\" not in first


def test_schema_loads_and_has_constraints(shipped_outputs: list[driver.EnvOutput]) -> None:
    for output in shipped_outputs:
        schema = output.files["schema.sql"].decode()
        db = sqlite3.connect(":memory:")
        db.executescript(schema)
        assert "PRIMARY KEY" in schema and "NOT NULL" in schema
        loaded = load_spec(next(p for p in SHIPPED if p.stem == output.name))
        env = loaded.env
        if any(isinstance(f.type, object) and f.checks for e in env.entities for f in e.fields):
            assert "CHECK (" in schema
        refs = [f for e in env.entities for f in e.fields if type(f.type).__name__ == "EntityT"]
        if refs:
            assert "FOREIGN KEY" in schema
        if any(f.unique and not f.is_key for e in env.entities for f in e.fields):
            assert "UNIQUE" in schema
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {e.name for e in env.entities} <= tables


def test_tools_json_is_strict(shipped_outputs: list[driver.EnvOutput]) -> None:
    for output in shipped_outputs:
        tools = json.loads(output.files["tools.json"])["tools"]
        assert tools
        for tool in tools:
            fn = tool["function"]
            params = fn["parameters"]
            assert tool["type"] == "function" and fn["strict"] is True
            assert params["additionalProperties"] is False
            assert params["required"] == list(params["properties"])
            for name, prop in params["properties"].items():
                assert prop.get("description"), (fn["name"], name)
                types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
                if "enum" in prop:
                    assert prop["enum"] and (None in prop["enum"]) == ("null" in types)
                _assert_strict(prop)


def _assert_strict(schema: dict) -> None:
    if schema.get("type") == "object" or "object" in schema.get("type", []):
        assert schema["additionalProperties"] is False
    if "items" in schema:
        _assert_strict(schema["items"])


def test_entity_params_are_keys_with_the_entity_described() -> None:
    spec = CASES / "airline" / "airline.envdsl"
    [output] = _outputs([spec], spec.parent / "compiled")
    tools = {t["function"]["name"]: t["function"] for t in json.loads(output.files["tools.json"])["tools"]}
    user = tools["book"]["parameters"]["properties"]["user"]
    assert user["type"] == "string"
    assert "The User's id" in user["description"] and "prepaid balance" in user["description"]
    note = tools["book"]["parameters"]["properties"]["note"]
    assert note["type"] == ["string", "null"]
    cabin = tools["book"]["parameters"]["properties"]["cabin"]
    assert cabin["enum"] == ["economy", "business", None] and "default (economy)" in cabin["description"]
    assert "Fails with: InsufficientFunds, NotFound, SoldOut." in tools["book"]["description"]


def test_tools_py_is_formatted_typed_and_documented(shipped_outputs: list[driver.EnvOutput]) -> None:
    for output in shipped_outputs:
        source = output.files["tools.py"].decode()
        assert format_python(source) == source
        tree = ast.parse(source)
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        assert len(classes) == 1
        loaded = load_spec(next(p for p in SHIPPED if p.stem == output.name))
        methods = {n.name: n for n in classes[0].body if isinstance(n, ast.FunctionDef)}
        for tool in loaded.env.tools:
            method = methods[tool.name]
            assert ast.get_docstring(method), tool.name
            if tool.doc.strip():
                assert tool.doc.strip().split("\n")[0][:40] in ast.get_docstring(method)
            assert all(a.annotation is not None for a in method.args.args[1:])


def test_sql_constants_bind_every_value(shipped_outputs: list[driver.EnvOutput]) -> None:
    """No value from a spec or a caller is spliced into SQL: constants hold only
    identifiers, placeholders and fixed SQL (date-function format strings)."""
    allowed_literals = {"'%Y-%m-%dT%H:%M:%S'", "'unixepoch'"}
    for output in shipped_outputs:
        module = ast.parse(output.files["tools.py"].decode())
        for node in module.body:
            if isinstance(node, ast.Assign) and node.targets[0].id.startswith("_SQL_"):  # type: ignore[attr-defined]
                sql = node.value.value  # type: ignore[attr-defined]
                import re

                literals = set(re.findall(r"'[^']*'", sql))
                assert literals <= allowed_literals, (node.targets[0].id, literals)  # type: ignore[attr-defined]


def test_manifest_records_hashes_effects_and_errors(shipped_outputs: list[driver.EnvOutput]) -> None:
    import hashlib

    for output in shipped_outputs:
        manifest = json.loads(output.files["manifest.json"])
        spec = next(p for p in SHIPPED if p.stem == output.name)
        loaded = load_spec(spec)
        assert manifest["source_sha256"] == hashlib.sha256(spec.read_text(encoding="utf-8").encode()).hexdigest()
        assert manifest["seed_sha256"] == loaded.seed.hash
        assert manifest["envdsl"] == driver.compiler_version()
        assert [e["name"] for e in manifest["entities"]] == [e.name for e in loaded.env.entities]
        for entry, tool in zip(manifest["tools"], loaded.env.tools):
            assert entry["name"] == tool.name
            assert entry["raises"] == list(tool.raises)
            assert entry["reads"] == [f"{r.entity}.{r.field}" for r in tool.effects.reads]
            assert entry["writes"] == [f"{w.entity}.{w.field}" for w in tool.effects.writes]
            assert entry["read_only"] == tool.effects.is_read_only
        for name in ("schema.sql", "tools.py", "tools.json"):
            assert manifest["files"][name] == hashlib.sha256(output.files[name]).hexdigest()


# ------------------------------------------------------------------ CLI: write and check


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(CASES / "airline", tmp_path / "specs" / "travel", ignore=shutil.ignore_patterns("expected"))
    return tmp_path


def test_compile_then_check_is_clean_and_idempotent(workspace: Path) -> None:
    first = envdsl("compile", "specs/", cwd=workspace)
    assert first.returncode == 0, first.stderr
    assert "wrote compiled/travel/airline/" in first.stderr
    folder = workspace / "compiled" / "travel" / "airline"
    assert sorted(p.name for p in folder.iterdir()) == sorted(driver.generated_files("airline"))
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    second = envdsl("compile", "specs/", cwd=workspace)
    assert second.returncode == 0 and "0 changed" in second.stderr
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes  # unchanged output is not rewritten
    check = envdsl("compile", "specs/", "--check", cwd=workspace)
    assert check.returncode == 0, check.stderr
    assert "up to date" in check.stderr


def test_check_reports_stale_and_missing_files_and_changes_nothing(workspace: Path) -> None:
    assert envdsl("compile", "specs/", cwd=workspace).returncode == 0
    folder = workspace / "compiled" / "travel" / "airline"
    (folder / "tools.json").unlink()
    tools_py = folder / "tools.py"
    tools_py.write_text(tools_py.read_text().replace("Book a seat", "Book a sofa"))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    check = envdsl("compile", "specs/", "--check", cwd=workspace)
    assert check.returncode == 1
    assert "missing: compiled/travel/airline/tools.json" in check.stderr
    assert "stale: compiled/travel/airline/tools.py" in check.stderr
    assert "-        \"\"\"Book a sofa" in check.stdout and "+        \"\"\"Book a seat" in check.stdout
    assert "regenerate with: envdsl compile specs" in check.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_check_fails_when_nothing_was_compiled(workspace: Path) -> None:
    check = envdsl("compile", "specs/", "--check", cwd=workspace)
    assert check.returncode == 1
    assert check.stderr.count("missing: ") == len(driver.generated_files("airline"))


def test_spec_errors_exit_1_and_write_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "bad.envdsl"
    spec.parent.mkdir()
    spec.write_text('env bad {\n  title "Bad"\n  domain test\n  entity A { key id: str\n  n: Nope }\n}\n')
    result = envdsl("compile", "specs/", cwd=tmp_path)
    assert result.returncode == 1
    assert "Nope" in result.stderr and "error" in result.stderr
    assert not (tmp_path / "compiled").exists()


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = envdsl("compile", "nowhere/", cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file or directory: nowhere" in result.stderr


def test_paths_in_output_do_not_depend_on_the_working_directory(workspace: Path) -> None:
    assert envdsl("compile", "specs/", cwd=workspace).returncode == 0
    (workspace / "sub").mkdir()
    check = envdsl("compile", "../specs/", "--out", "../compiled", "--check", cwd=workspace / "sub")
    assert check.returncode == 0, check.stdout + check.stderr


# ------------------------------------------------------------------ atomic writes


def test_a_failed_write_leaves_the_old_folder_whole(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert envdsl("compile", "specs/", cwd=workspace).returncode == 0
    folder = workspace / "compiled" / "travel" / "airline"
    old = {p.name: p.read_bytes() for p in folder.iterdir()}
    spec = workspace / "specs" / "travel" / "airline.envdsl"
    spec.write_text(spec.read_text().replace("Book a seat", "Reserve a seat"))
    [output] = _outputs([spec], workspace / "compiled")
    calls = {"n": 0}
    real_write = Path.write_bytes

    def dying_write(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full (simulated)")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", dying_write)
    with pytest.raises(OSError):
        apply([output], workspace / "compiled", Mode.WRITE)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == old
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no staging folder left behind
    apply([output], workspace / "compiled", Mode.WRITE)
    assert b"Reserve a seat" in (folder / "tools.py").read_bytes()


def test_files_of_other_emitters_are_kept(workspace: Path) -> None:
    assert envdsl("compile", "specs/", cwd=workspace).returncode == 0
    folder = workspace / "compiled" / "travel" / "airline"
    (folder / "verification.json").write_text('{"from": "the verifier"}\n')
    spec = workspace / "specs" / "travel" / "airline.envdsl"
    spec.write_text(spec.read_text().replace("Book a seat", "Reserve a seat"))
    assert envdsl("compile", "specs/", cwd=workspace).returncode == 0
    assert (folder / "verification.json").read_text() == '{"from": "the verifier"}\n'  # kept (and now stale)


# ------------------------------------------------------------------ goldens and safety


def test_golden_output(update_goldens: bool, tmp_path: Path) -> None:
    """tests/cases/compile/airline/expected/ is the whole compiled folder (`pytest --update-goldens`)."""
    case = CASES / "airline"
    [output] = _outputs([case / "airline.envdsl"], case / "compiled")
    expected = case / "expected"
    if update_goldens:
        shutil.rmtree(expected, ignore_errors=True)
        expected.mkdir()
        for name, data in output.files.items():
            (expected / name).write_bytes(data)
    found = {p.name: p.read_bytes() for p in expected.iterdir()} if expected.is_dir() else {}
    assert found == output.files, "golden differs; rerun with --update-goldens and review the diff"


def test_spec_strings_are_never_code(tmp_path: Path) -> None:
    spec = tmp_path / "odd.envdsl"
    spec.write_text(
        'env odd {\n  title "Quotes \\" and \\\\ backslashes \\"\\"\\" end\\""\n  domain test\n'
        '  entity Note "doc with \\"\\"\\" triple and {braces}" {\n'
        '    key id: str "the \\"id\\"; DROP TABLE Note; --"\n'
        '    text: str = "\'); DROP TABLE Note; --"\n  }\n'
        '  tool add(id: str, text: str) -> Note "Adds \\"\\"\\" a note\\\\" {\n'
        '    return insert Note { id: id, text: text + "\\" + __import__(\'os\')" }\n  }\n}\n'
    )
    [output] = _outputs([spec], tmp_path / "compiled")
    source = output.files["tools.py"].decode()
    namespace: dict = {}
    exec(compile(source, "tools.py", "exec"), namespace)  # noqa: S102 - generated code under test
    cls = next(v for v in namespace.values() if isinstance(v, type) and v.__name__ == "Odd")
    assert 'Adds """ a note\\' in cls.add.__doc__
    from envdsl.runtime import Environment

    env = Environment.load(spec)
    result = env.call("add", {"id": "n1", "text": "x"})
    assert result.ok and result.value["text"] == "x\" + __import__('os')"
    assert env.rows("Note")[0]["id"] == "n1"


def test_ruff_is_the_pinned_version() -> None:
    version = subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True, check=True).stdout
    assert version.strip() == "ruff 0.17.6"


def test_compile_does_not_depend_on_the_environment_variables(workspace: Path) -> None:
    assert envdsl("compile", "specs/", cwd=workspace).returncode == 0
    env = {**os.environ, "RUFF_LINE_LENGTH": "40", "LC_ALL": "C"}
    result = subprocess.run([sys.executable, "-c", _MAIN, "compile", "specs/", "--check"], cwd=workspace, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
