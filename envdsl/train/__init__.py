"""`envdsl.train`: the training path on compiled environments (SFT, GRPO, eval) with trl.

Rule: nothing here is imported by the core package, and this package's own
`__init__` imports nothing heavy, so `import envdsl` stays light; torch, trl
and transformers load only inside the modules that need them (install the
`train` extra: `pip install -e ".[train]"`).

| module | job |
|---|---|
| `errors.py` | `TrainError`: a problem the user can fix, printed as one message |
| `config.py` | YAML run configs (SFT, GRPO, eval) validated by pydantic |
| `tiny.py` | a tiny Qwen3 model with a locally trained tokenizer (tests, CPU smoke runs) |
| `adapter.py` | a trl `environment_factory` class per compiled environment |
| `tasks.py` | sampled tasks -> SFT rows and per-turn GRPO rows; the verified gate |
| `rundir.py` | what every run writes: config, metrics.jsonl, summary.json; the scripts' error handling |
| `cli.py` | the shared command line of `trainers/*.py` (`--config`, `--set KEY=VALUE`, ...) |
| `sft.py`, `grpo.py`, `evaluate.py` | the runs behind `trainers/*.py` |
"""

from envdsl.train.errors import TrainError

__all__ = ["TrainError"]
