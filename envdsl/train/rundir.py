"""What every run leaves in its output folder, and the scripts' error handling.

Rule: a run folder explains itself. It holds `config.yaml` (the validated
config, every default filled in), `environment.json` (versions and the
device), `metrics.jsonl` (every log line of the trainer or evaluator, as it
happens) and `summary.json` (written last: what was run, how long it took,
the final numbers). A folder without `summary.json` is a run that did not
finish.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from envdsl.files import write_atomic
from envdsl.train.errors import TrainError


def _atomic_write(path: Path, text: str) -> None:
    write_atomic(path, text)


def device_info() -> dict[str, Any]:
    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        import torch

        info["torch"] = torch.__version__
        info["device"] = "cuda" if torch.cuda.is_available() else "cpu"
        if torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(0)
            info["gpu_count"] = torch.cuda.device_count()
            info["bf16"] = bool(torch.cuda.is_bf16_supported())
        info["threads"] = torch.get_num_threads()
    except ImportError:
        info["device"] = "cpu"
    for package in ("transformers", "trl", "envdsl"):
        try:
            from importlib.metadata import version

            info[package] = version(package)
        except Exception:  # noqa: BLE001 - a missing version is not worth failing a run
            info[package] = None
    return info


def cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def resolve_bf16(setting: str | bool) -> bool:
    if setting != "auto":
        return bool(setting)
    import torch

    return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())


class RunDir:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TrainError(f"{self.path}: cannot create the output folder ({error.strerror or error})", 2) from None
        self.metrics_path = self.path / "metrics.jsonl"
        self.started = time.time()

    def write_config(self, config: Any) -> None:
        from envdsl.train.config import config_to_yaml

        _atomic_write(self.path / "config.yaml", config_to_yaml(config))
        _atomic_write(self.path / "environment.json", json.dumps(device_info(), indent=2) + "\n")
        self.metrics_path.write_text("", encoding="utf-8")
        (self.path / "rollouts.jsonl").unlink(missing_ok=True)
        summary = self.path / "summary.json"
        if summary.exists():
            summary.unlink()  # a stale summary would read as this run's result

    def log(self, record: dict[str, Any]) -> None:
        with self.metrics_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False, default=float) + "\n")

    def log_rollout(self, record: dict[str, Any]) -> None:
        """One rollout's calls and score (GRPO): `rollouts.jsonl`, for auditing rewards call by call."""
        with (self.path / "rollouts.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")

    def write_summary(self, summary: dict[str, Any]) -> Path:
        summary = {"wall_seconds": round(time.time() - self.started, 3), **summary}
        path = self.path / "summary.json"
        _atomic_write(path, json.dumps(summary, indent=2, ensure_ascii=False, default=float) + "\n")
        return path

    def write_json(self, name: str, data: Any) -> Path:
        path = self.path / name
        _atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False, default=float) + "\n")
        return path


def metrics_callback(run: RunDir, extra: Callable[[], dict[str, Any]] | None = None):
    """A `TrainerCallback` appending every trainer log line (plus `extra()`) to metrics.jsonl."""
    from transformers import TrainerCallback

    class MetricsCallback(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            record = {"step": state.global_step, "epoch": state.epoch, **(logs or {})}
            if extra is not None:
                record.update(extra())
            run.log(record)

    return MetricsCallback()


def load_model_and_tokenizer(name: str, dtype: str = "float32"):
    """The model and tokenizer of `name` (a folder or hub id), with clear errors for what users get wrong.
    Training loads float32 weights (mixed precision keeps fp32 master weights); evaluation passes "auto"."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    looks_local = name.startswith((".", "/", "~")) or Path(name).exists()
    if looks_local and not Path(name).expanduser().is_dir():
        raise TrainError(f"{name}: no such model folder", 2)
    try:
        tokenizer = AutoTokenizer.from_pretrained(name)
        model = AutoModelForCausalLM.from_pretrained(name, dtype=dtype)
    except (OSError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise TrainError(f"cannot load the model {name!r}: {first}", 2) from None
    if not getattr(tokenizer, "chat_template", None):
        raise TrainError(f"the tokenizer of {name!r} has no chat template; tool calling needs one", 2)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model, tokenizer


def run_main(parse: Callable[[list[str]], Any], run: Callable[[Any], Any], argv: list[str] | None = None) -> int:
    """Parse, run, and turn failures into messages: TrainError -> its message and exit code;
    anything else is a bug -> one line and the traceback in a file (exit 3)."""
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    try:
        config = parse(sys.argv[1:] if argv is None else argv)
        run(config)
    except TrainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the one place a bug becomes a short report
        with tempfile.NamedTemporaryFile("w", prefix="envdsl-train-", suffix=".txt", delete=False) as handle:
            traceback.print_exc(file=handle)
        print(f"internal error: {type(error).__name__}: {error} (traceback in {handle.name})", file=sys.stderr)
        return 3
    return 0
