"""Is a compiled environment verified? The gate every later stage passes.

`envdsl verify` writes `verification.json` into the compiled folder
(`compiled/<domain>/<env>/`), beside the manifest. The compiler carries that
file over when it rewrites the folder, and the record names the source, seed
and generated-code hashes it was made from, so a record left over from an
older spec reads as stale rather than as a pass. Sampling, training and
serving call `require_verified` (or `verification_status` to explain) and
refuse an environment that is unverified, failed or stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envdsl.files import write_atomic

RECORD = "verification.json"


class NotVerified(Exception):
    """The environment must not be used: the message says why and what to run."""


@dataclass(frozen=True)
class VerificationStatus:
    verified: bool
    reason: str  # why not (empty when verified)
    record: dict[str, Any] | None = None


def _fingerprint(manifest: dict[str, Any]) -> dict[str, Any]:
    """What a verification record must match: the spec, the seed and the generated code."""
    return {
        "source_sha256": manifest.get("source_sha256"),
        "seed_sha256": manifest.get("seed_sha256"),
        "files": manifest.get("files"),
    }


def fingerprint_of(compiled_dir: Path) -> dict[str, Any]:
    return _fingerprint(json.loads((Path(compiled_dir) / "manifest.json").read_text(encoding="utf-8")))


def verification_status(compiled_dir: str | Path) -> VerificationStatus:
    folder = Path(compiled_dir)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        return VerificationStatus(
            False, f"{folder} is not a compiled environment (no manifest.json); run `envdsl compile`"
        )
    record_path = folder / RECORD
    if not record_path.is_file():
        return VerificationStatus(False, f"{folder} has not been verified; run `envdsl verify {folder}`")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return VerificationStatus(False, f"{record_path} cannot be read ({error}); run `envdsl verify {folder}` again")
    if not isinstance(record, dict) or record.get("fingerprint") != _fingerprint(manifest):
        return VerificationStatus(
            False,
            f"{record_path} is stale: the spec, seed or compiled code changed since; run `envdsl verify {folder}`",
            record,
        )
    if not record.get("passed"):
        count = len(record.get("findings", []))
        return VerificationStatus(
            False,
            f"{folder} failed verification ({count} finding{'s' * (count != 1)}); see `envdsl verify {folder}`",
            record,
        )
    return VerificationStatus(True, "", record)


def require_verified(compiled_dir: str | Path) -> dict[str, Any]:
    """The verification record, or `NotVerified` with a message for the user."""
    status = verification_status(compiled_dir)
    if not status.verified:
        raise NotVerified(status.reason)
    assert status.record is not None
    return status.record


def write_record(
    compiled_dir: str | Path,
    *,
    passed: bool,
    settings: dict[str, Any],
    findings: list[dict[str, Any]],
    stats: dict[str, Any] | None = None,
) -> Path:
    """Write `verification.json` for the compiled folder as it is now (atomically)."""
    folder = Path(compiled_dir)
    record = {
        "generated": "by envdsl verify; do not edit",
        "passed": bool(passed),
        "fingerprint": fingerprint_of(folder),
        "settings": settings,
        "findings": findings,
        "stats": stats or {},
    }
    # ASCII escapes: a finding's arguments may hold text that is not valid Unicode (a lone surrogate).
    text = json.dumps(record, indent=2, ensure_ascii=True, sort_keys=True) + "\n"
    return write_atomic(folder / RECORD, text)
