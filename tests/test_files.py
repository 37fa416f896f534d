"""Atomic writes keep the permissions a user expects (`envdsl fmt` once left specs at 0600)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from envdsl.files import write_atomic

ROOT = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_default_and_a_rewritten_one_keeps_its_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = write_atomic(tmp_path / "sub" / "new.txt", "hello")
        assert fresh.read_text() == "hello" and mode(fresh) == 0o644
        kept = tmp_path / "kept.sh"
        kept.write_text("old")
        kept.chmod(0o750)
        write_atomic(kept, b"new")
        assert kept.read_bytes() == b"new" and mode(kept) == 0o750
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["kept.sh", "new.txt", "sub"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "\ud800")  # a lone surrogate cannot be encoded
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_fmt_keeps_the_mode_of_the_spec(tmp_path: Path) -> None:
    spec = tmp_path / "e.envdsl"
    spec.write_text('env e {\n  title "E"\n  domain d\n  entity A { key id: int }\n}\n')
    spec.chmod(0o664)
    done = subprocess.run([sys.executable, "-m", "envdsl", "fmt", str(spec)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "entity A {\n    key id: int\n  }" in spec.read_text() and mode(spec) == 0o664


def test_fmt_that_cannot_write_says_so_and_keeps_the_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import envdsl.cli as cli

    def refuse(path: Path, data: str) -> None:
        raise PermissionError(13, "Permission denied")

    spec = tmp_path / "e.envdsl"
    text = 'env e {\n  title "E"\n  domain d\n  entity A { key id: int }\n}\n'
    spec.write_text(text)
    monkeypatch.setattr(cli, "_atomic_write", refuse)
    monkeypatch.setattr(sys, "argv", ["envdsl", "fmt", str(spec)])
    assert cli.run() == 1
    assert spec.read_text() == text
    err = capsys.readouterr().err
    assert f"error: cannot write {spec}: Permission denied" in err and "internal error" not in err
