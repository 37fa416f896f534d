"""Seed data: YAML/CSV files beside a spec, read into a validated, typed initial state.

`load_seed(env, spec_dir, sources)` is the entry point (`load.py`); `SeedData`
(`data.py`) is what it returns; `raw.py` reads the files, `convert.py` types
the values.
"""

from envdsl.seed.data import SeedData, canonical_json, content_hash
from envdsl.seed.load import load_seed, seed_path

__all__ = ["SeedData", "canonical_json", "content_hash", "load_seed", "seed_path"]
