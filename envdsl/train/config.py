"""Run configurations: YAML files validated by pydantic, one model per script.

Rule: a config is the whole description of a run. Every field has a default
or is required; unknown keys are errors (a typo must not silently fall back
to a default); paths are taken relative to the working directory, as given.
The `trl` mapping passes any further `SFTConfig` / `GRPOConfig` field
through unchanged, so the YAML reaches everything trl offers without this
module mirroring it. Command-line overrides (`--set reward.tau_end=0.2`) are
parsed as YAML scalars and applied before validation, so they are checked the
same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from envdsl.train.errors import TrainError

USAGE = 2


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Run(_Strict):
    model: str = Field(description="a local model folder or a hub id")
    tasks: str = Field(description="the sampled tasks (JSONL, envdsl-task/1)")
    output_dir: str
    envs_root: str = Field(".", description="folder that the tasks' `env.compiled` paths are relative to")
    seed: int = 0
    max_steps: int = -1
    num_train_epochs: float = 1.0
    learning_rate: float = 1e-5
    per_device_train_batch_size: int = 1
    gradient_accumulation_steps: int = 1
    logging_steps: int = 1
    save_steps: int = 500
    save_total_limit: int | None = 2
    bf16: Literal["auto"] | bool = Field("auto", description="auto: bf16 when a CUDA GPU supports it")
    gradient_checkpointing: bool = False
    trl: dict[str, Any] = Field(default_factory=dict, description="further SFTConfig/GRPOConfig fields, passed as is")


class SFTRunConfig(_Run):
    learning_rate: float = 2e-5
    max_length: int | None = 4096
    assistant_only_loss: bool = Field(True, description="loss on assistant tokens only (trl's training template)")


class RewardConfig(_Strict):
    tau_start: float = Field(0.9, ge=0, le=1, description="weight of the trace at the first step")
    tau_end: float = Field(0.1, ge=0, le=1, description="weight of the trace at the last step")
    per_call_penalty: float = Field(0.05, ge=0)
    penalty_cap: float = Field(0.5, ge=0)
    floor: float | None = 0.0


class GRPORunConfig(_Run):
    num_generations: int = 4
    max_completion_length: int = 512
    max_tool_calling_iterations: int = 8
    temperature: float = 1.0
    beta: float = 0.0
    reward: RewardConfig = Field(default_factory=RewardConfig)


class Endpoint(_Strict):
    base_url: str = Field(description="an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1")
    model: str = Field(description="the model name the endpoint serves")
    api_key_env: str | None = Field(None, description="environment variable holding the API key (none: a dummy key)")
    timeout: float = 120.0


class EvalModel(_Strict):
    endpoint: Endpoint | None = None
    local: str | None = Field(None, description="a local model folder or hub id, run with transformers")

    @model_validator(mode="after")
    def _exactly_one(self) -> EvalModel:
        if (self.endpoint is None) == (self.local is None):
            raise ValueError("give exactly one of `endpoint` or `local`")
        return self


class EvalRunConfig(_Strict):
    model: EvalModel
    tasks: str
    output_dir: str
    envs_root: str = "."
    schemas: Literal["training", "compiled"] = Field(
        "training", description="training: the schemas SFT/GRPO rendered; compiled: tools.json as is (strict)"
    )
    max_tool_calls_per_turn: int = Field(10, ge=1)
    max_new_tokens: int = Field(512, ge=1)
    temperature: float = Field(0.0, ge=0)
    tau: float = Field(0.5, ge=0, le=1, description="trace weight of the reported reward")
    limit: int | None = Field(None, ge=1, description="evaluate only the first N tasks")
    train_tasks: str | None = Field(None, description="the training tasks: their environments are marked as seen")
    require_held_out: bool = Field(False, description="refuse to evaluate on environments seen in training")
    seed: int = 0


KINDS: dict[str, type[BaseModel]] = {"sft": SFTRunConfig, "grpo": GRPORunConfig, "eval": EvalRunConfig}


def _read_yaml(path: Path) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TrainError(f"{path}: no such config file", USAGE) from None
    except OSError as error:
        raise TrainError(f"{path}: cannot read ({error.strerror or error})", USAGE) from None
    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise TrainError(f"{where}: not valid YAML ({problem})", USAGE) from None


def _scalar(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError:
        return text


def apply_override(data: dict[str, Any], assignment: str) -> None:
    """`a.b=value`: set a nested key; the value is read as a YAML scalar (`0.2`, `true`, `null`, text)."""
    key, sep, value = assignment.partition("=")
    if not sep or not key.strip():
        raise TrainError(f"--set {assignment!r}: expected KEY=VALUE (e.g. reward.tau_end=0.2)", USAGE)
    parts = key.strip().split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            raise TrainError(f"--set {assignment!r}: `{part}` is not a mapping in the config", USAGE)
        node = child
    node[parts[-1]] = _scalar(value)


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source}: the config is not valid:"]
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "(top level)"
        message = problem["msg"]
        if problem["type"] == "extra_forbidden":
            message = "unknown key (a typo?)"
        lines.append(f"  - {where}: {message}")
    return "\n".join(lines)


def load_config(kind: str, path: str | Path | None, overrides: list[str] = (), **fields: Any) -> BaseModel:
    """Read, override and validate a run config of `kind` (sft, grpo, eval); errors are `TrainError`s."""
    model = KINDS[kind]
    data: Any = {}
    source = "the command line"
    if path is not None:
        source = str(path)
        data = _read_yaml(Path(path))
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise TrainError(f"{path}: a config is a YAML mapping (key: value), not a {type(data).__name__}", USAGE)
    for key, value in fields.items():
        if value is not None:
            data[key] = value
    for assignment in overrides:
        apply_override(data, assignment)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise TrainError(_describe(error, source), USAGE) from None


def config_to_yaml(config: BaseModel) -> str:
    import io

    from ruamel.yaml import YAML

    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.dump(config.model_dump(mode="json"), stream)
    return stream.getvalue()
