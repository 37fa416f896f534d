"""Deterministic importers (no model): draft a spec and its seed from authentic material (docs/authoring.md)."""
