"""The shipped corpus and `envdsl corpus`, the command that tabulates it.

Two kinds of test:

- every shipped environment meets the corpus minimums of issue 6 (at least 4
  entities, 8 tools, 2 invariants, a written policy, 100 seed rows, a seed
  `provenance` block) and its seed generator in `specs/_sources/` is
  committed beside it; `specs/README.md` is what `envdsl corpus specs/`
  generates (so the table cannot drift);
- the command itself: counts computed from the IR and seed, deterministic
  output, `--write`, `--check` (exit 1 with a diff when stale), and every
  error path with its message and exit code, never a traceback.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from envdsl import cli
from envdsl.corpus import entry_of, render_table
from envdsl.workspace import find_specs, load_spec

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"

MIN_ENTITIES, MIN_TOOLS, MIN_INVARIANTS, MIN_SEED_ROWS = 4, 8, 2, 100

SHIPPED = [p.relative_to(SPECS).as_posix() for p in find_specs([SPECS])[0]]

# A small valid spec for the command's own tests (the minimums apply to the shipped corpus only).
SMALL = """\
env tiny {
  title "Tiny | shop"
  domain demo
  policy "Be nice."
  seed "tiny.seed.yaml"

  entity Item {
    key id: str
    price: money check price > 0
  }

  tool get_item(item: Item) -> Item "Look up an item." {
    return item
  }

  tool set_price(item: Item, price: money) -> Item "Change a price." {
    update item set price = price
    return item
  }

  invariant "prices are positive": all i in Item: i.price > 0
}
"""

SMALL_SEED = """\
provenance:
  source: "hand-written"
  packages: "none (test data)"
Item:
  - {id: "a", price: 1.50}
  - {id: "b", price: 2.00}
"""


@pytest.fixture(scope="module")
def loaded_specs():
    # Loading checks every spec and validates its seed against every invariant: seconds per spec, so once.
    return {name: load_spec(SPECS / name) for name in SHIPPED}


# ================================================================ the shipped corpus


def test_corpus_is_not_empty() -> None:
    assert len(SHIPPED) >= 3, SHIPPED


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_spec_meets_the_corpus_minimums(loaded_specs, name: str) -> None:
    loaded = loaded_specs[name]
    assert loaded.ok, f"{name} has errors: {[d.message for d in loaded.diagnostics]}"
    env = loaded.env
    assert len(env.entities) >= MIN_ENTITIES, f"{name}: {len(env.entities)} entities"
    assert len(env.tools) >= MIN_TOOLS, f"{name}: {len(env.tools)} tools"
    assert len(env.invariants) >= MIN_INVARIANTS, f"{name}: {len(env.invariants)} invariants"
    assert len(env.policy.strip()) >= 80, f"{name}: no written policy"
    assert loaded.seed is not None and loaded.seed.count() >= MIN_SEED_ROWS, f"{name}: too few seed rows"
    # reads, searches and writes: at least one read-only tool and at least three that change the state
    writes = [t for t in env.tools if t.effects.written_entities]
    assert len(writes) >= 3 and len(env.tools) - len(writes) >= 3, f"{name}: {len(writes)} write tools"
    # writes with real preconditions: at least three write tools declare an error besides NotFound
    guarded = [t.name for t in writes if set(t.raises) - {"NotFound"}]
    assert len(guarded) >= 3, f"{name}: only {guarded} declare precondition errors"


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_seed_records_its_provenance_and_generator(loaded_specs, name: str) -> None:
    seed = loaded_specs[name].seed
    blocks = [b for b in seed.provenance.values() if isinstance(b, dict)]
    assert blocks, f"{name}: no provenance block in its seed"
    for block in blocks:
        assert block.get("source"), f"{name}: provenance has no `source`"
        generator = block.get("generator")
        if generator:
            assert (ROOT / generator).is_file(), f"{name}: generator {generator} is not committed"


GENERATORS = sorted(p.stem for p in (SPECS / "_sources").glob("*_seed.py"))


@pytest.mark.slow
@pytest.mark.parametrize("generator", GENERATORS)
def test_seed_generator_reproduces_the_committed_seed(generator: str, tmp_path: Path, monkeypatch) -> None:
    """Each generator, run again into a temporary folder, writes byte for byte the committed seed files."""
    import importlib

    monkeypatch.syspath_prepend(str(SPECS / "_sources"))
    try:
        module = importlib.import_module(generator)
    except ImportError as error:  # the data packages are the optional extra `corpus`
        pytest.skip(f"{generator} needs `pip install -e .[corpus]`: {error}")
    monkeypatch.setattr(module, "SPECS", tmp_path)
    for folder in SPECS.iterdir():
        if folder.is_dir() and not folder.name.startswith("_"):
            (tmp_path / folder.name).mkdir()
    module.main()
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert written, f"{generator} wrote nothing"
    for path in written:
        committed = SPECS / path.relative_to(tmp_path)
        assert committed.is_file(), f"{generator} wrote {path.name}, which is not committed"
        assert path.read_bytes() == committed.read_bytes(), f"{committed} is not what {generator} writes now"


@pytest.mark.slow
def test_specs_readme_is_up_to_date(loaded_specs) -> None:
    entries = [entry_of(loaded) for loaded in loaded_specs.values()]
    expected = render_table(entries, "envdsl corpus specs --write")
    assert (SPECS / "README.md").read_text(encoding="utf-8") == expected, (
        "specs/README.md is stale; regenerate with: envdsl corpus specs --write"
    )


# ================================================================ the command


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    (tmp_path / "specs" / "demo").mkdir(parents=True)
    (tmp_path / "specs" / "demo" / "tiny.envdsl").write_text(SMALL, encoding="utf-8")
    (tmp_path / "specs" / "demo" / "tiny.seed.yaml").write_text(SMALL_SEED, encoding="utf-8")
    return tmp_path


@pytest.fixture
def run_cli(workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    def run(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["envdsl", *args])
        code = cli.run()
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err + captured.out
        return Result(code, captured.out, captured.err)

    return run


def test_prints_the_table_computed_from_the_spec(run_cli) -> None:
    result = run_cli("corpus", "specs")
    assert result.code == 0, result.err
    row = next(line for line in result.out.splitlines() if line.startswith("| demo |"))
    # 1 entity, 2 tools of which 1 writes, 1 invariant, errors: NotFound; policy; 2 seed rows; the `|` escaped
    assert row == "| demo | [tiny](demo/tiny.envdsl) | Tiny \\| shop | 1 | 2 | 1 | 1 | 1 | yes | 2 | none (test data) |"
    assert "1 environments in 1 domains (demo): 1 entities, 2 tools, 1 invariants, 2 seed rows." in result.out


def test_provenance_prefers_packages_then_package_then_source() -> None:
    from envdsl.corpus import _provenance

    assert _provenance({"a.yaml": {"source": "s", "packages": "p 1 (MIT)"}}) == "p 1 (MIT)"
    assert _provenance({"a.yaml": {"source": "s", "package": "q 2 (MIT)"}}) == "q 2 (MIT)"
    assert _provenance({"a.yaml": {"source": "s"}, "b.csv": {"source": "s"}}) == "s"  # one note per distinct text
    assert _provenance({}) == "none recorded"


def test_output_is_deterministic(run_cli) -> None:
    assert run_cli("corpus", "specs").out == run_cli("corpus", "specs").out


def test_write_then_check_passes_and_edit_makes_it_stale(run_cli, workdir: Path) -> None:
    result = run_cli("corpus", "specs", "--write")
    assert result.code == 0 and "wrote specs/README.md (1 environments)" in result.err
    assert "generated by `envdsl corpus specs --write`" in (workdir / "specs" / "README.md").read_text()
    assert run_cli("corpus", "specs", "--check").code == 0

    seed = workdir / "specs" / "demo" / "tiny.seed.yaml"
    seed.write_text(SMALL_SEED + '  - {id: "c", price: 3.00}\n', encoding="utf-8")
    stale = run_cli("corpus", "specs", "--check")
    assert stale.code == 1
    assert "specs/README.md is stale; regenerate with: envdsl corpus specs --write" in stale.err
    assert "-| demo |" in stale.out and "| 3 | none (test data) |" in stale.out  # a unified diff


def test_write_to_a_named_file(run_cli, workdir: Path) -> None:
    result = run_cli("corpus", "specs", "--write", "TABLE.md")
    assert result.code == 0, result.err
    assert (workdir / "TABLE.md").read_text().startswith("# Shipped environments")
    assert run_cli("corpus", "specs", "--check", "TABLE.md").code == 0
    assert run_cli("corpus", "specs", "--check").code == 1  # specs/README.md does not exist


def test_write_and_check_together_is_a_usage_error(run_cli) -> None:
    result = run_cli("corpus", "specs", "--write", "--check")
    assert result.code == 2 and "give either --write or --check, not both" in result.err


def test_missing_path_is_a_usage_error(run_cli) -> None:
    result = run_cli("corpus", "nowhere")
    assert result.code == 2 and "no such file or directory: nowhere" in result.err


def test_folder_without_specs_is_a_usage_error(run_cli, workdir: Path) -> None:
    (workdir / "empty").mkdir()
    result = run_cli("corpus", "empty")
    assert result.code == 2 and "no .envdsl files under empty" in result.err


def test_write_into_a_missing_folder_is_a_usage_error(run_cli) -> None:
    result = run_cli("corpus", "specs", "--write", "no/such/dir/README.md")
    assert result.code == 2 and "no such folder: no/such/dir" in result.err


def test_a_spec_with_errors_makes_no_table(run_cli, workdir: Path) -> None:
    (workdir / "specs" / "demo" / "tiny.envdsl").write_text(SMALL.replace("return item\n", "return item.nme\n"))
    result = run_cli("corpus", "specs", "--write")
    assert result.code == 1
    assert "1 spec(s) have errors, no table made: specs/demo/tiny.envdsl" in result.err
    assert "E0" in result.err  # the diagnostic itself, concise
    assert not (workdir / "specs" / "README.md").exists()
