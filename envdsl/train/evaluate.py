"""Evaluation on held-out tasks: any OpenAI-compatible endpoint, or a local model.

Rule: success is decided by the environment, never by the text. A model
plays each task live — its tool calls run on a fresh episode of the task's
environment (`envdsl.reward.Episode`), each user turn starting from the
state the task expects before it — and the calls are then replayed and
scored by `envdsl.reward`: success = every turn reaches the expected state
hash; partial credit = the state score (overlap of changed cells with the
expected change); the reward with a fixed tau is reported beside them.

A failing model is data, not a crash: an HTTP error, an unparseable reply or
a turn that hits the tool-call limit is recorded on that task (and counts as
not solved); only an endpoint that cannot be reached at all stops the run.

Outputs in the run folder: `results.json` (overall, per-domain and
per-environment tables, with whether each environment was seen in
training), `tasks.jsonl` (one scored task a line), `transcripts.jsonl`,
`results.png` (success and partial credit per domain), and the usual
config, metrics and summary.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from envdsl.reward import Episode, Weights
from envdsl.sample.task import Task, iter_tasks
from envdsl.train.config import EvalRunConfig
from envdsl.train.errors import TrainError
from envdsl.train.rundir import RunDir


class ModelError(Exception):
    """The model or endpoint failed on one request; the task is recorded as failed."""


class ChatModel(Protocol):
    def complete(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> dict[str, Any]:
        """The next assistant message, OpenAI shape (`tool_calls[].function.arguments` a JSON string)."""


# ----------------------------------------------------------------- models


class OpenAIChat:
    """Any OpenAI-compatible `/v1/chat/completions` (OpenAI, vLLM, `transformers serve`, ...)."""

    def __init__(
        self, base_url: str, model: str, api_key: str | None, timeout: float, temperature: float, max_tokens: int
    ):
        from openai import OpenAI

        self.client = OpenAI(base_url=base_url, api_key=api_key or "unused", timeout=timeout, max_retries=1)
        self.base_url, self.model, self.temperature, self.max_tokens = base_url, model, temperature, max_tokens

    def check(self) -> None:
        import openai

        try:
            self.client.models.list()
        except openai.APIConnectionError as error:
            raise TrainError(f"cannot reach the endpoint {self.base_url} ({error.__cause__ or error})") from None
        except openai.AuthenticationError as error:
            raise TrainError(f"the endpoint {self.base_url} refused the API key ({error})") from None
        except openai.APIError:
            pass  # some servers do not list models; the first completion will tell

    def complete(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> dict[str, Any]:
        import openai

        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                tools=tools,
                temperature=self.temperature,
                max_tokens=self.max_tokens,
            )
        except openai.APIError as error:
            raise ModelError(f"{type(error).__name__}: {error}") from None
        if not response.choices:
            raise ModelError("the endpoint returned no choices")
        message = response.choices[0].message
        calls = [
            {
                "id": call.id or f"call_{index}",
                "type": "function",
                "function": {"name": call.function.name, "arguments": call.function.arguments or "{}"},
            }
            for index, call in enumerate(message.tool_calls or ())
            if getattr(call, "function", None) is not None
        ]
        return {"role": "assistant", "content": message.content, **({"tool_calls": calls} if calls else {})}


class LocalChat:
    """A local (or hub) causal LM through transformers, parsed with trl's response templates."""

    def __init__(self, name: str, temperature: float, max_new_tokens: int):
        from trl.chat_template_utils import add_response_schema

        from envdsl.train.rundir import load_model_and_tokenizer

        self.model, self.tokenizer = load_model_and_tokenizer(name, dtype="auto")
        self.model.eval()
        try:
            add_response_schema(self.tokenizer)
        except ValueError:
            if (
                getattr(self.tokenizer, "response_template", None) is None
                and getattr(self.tokenizer, "response_schema", None) is None
            ):
                raise TrainError(
                    f"cannot parse tool calls of {name!r}: trl does not know its chat template", 2
                ) from None
        self.temperature, self.max_new_tokens = temperature, max_new_tokens
        self._calls = 0

    def complete(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> dict[str, Any]:
        import torch
        from trl.chat_template_utils import parse_response

        inputs = self.tokenizer.apply_chat_template(
            [{k: v for k, v in m.items() if v is not None} for m in messages],
            tools=tools,
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        ).to(self.model.device)
        sampling = (
            {"do_sample": True, "temperature": self.temperature} if self.temperature > 0 else {"do_sample": False}
        )
        with torch.no_grad():
            output = self.model.generate(**inputs, max_new_tokens=self.max_new_tokens, **sampling)
        prompt_ids = inputs["input_ids"][0].tolist()
        ids = output[0][len(prompt_ids) :].tolist()
        parsed = parse_response(self.tokenizer, ids, prefix=prompt_ids, tools=tools)
        calls = []
        for entry in parsed.get("tool_calls") or ():
            function = entry.get("function", entry)
            arguments = function.get("arguments")
            self._calls += 1
            calls.append(
                {
                    "id": f"call_{self._calls}",
                    "type": "function",
                    "function": {
                        "name": function.get("name"),
                        "arguments": arguments
                        if isinstance(arguments, str)
                        else json.dumps(arguments, ensure_ascii=False),
                    },
                }
            )
        return {
            "role": "assistant",
            "content": parsed.get("content") or None,
            **({"tool_calls": calls} if calls else {}),
        }


# ----------------------------------------------------------------- one task


@dataclass
class Played:
    task: Task
    score: Any  # envdsl.reward.Score
    messages: list[dict[str, Any]]
    error: str | None
    seconds: float
    model_seconds: float


def play(task: Task, model: ChatModel, tools: list[dict[str, Any]], scorer, weights: Weights, max_calls: int) -> Played:
    """Run `model` through every turn of `task` on a live episode, then score the calls."""
    started = time.perf_counter()
    model_seconds = 0.0
    episode = Episode(task, scorer, weights)
    request: str | None = episode.reset()
    first_user = next(i for i, m in enumerate(task.messages) if m.get("role") == "user")
    messages: list[dict[str, Any]] = [dict(m) for m in task.messages[:first_user]]
    error = None
    while request is not None and error is None:
        messages.append({"role": "user", "content": request})
        for _ in range(max_calls + 1):
            asked = time.perf_counter()
            try:
                reply = model.complete(messages, tools)
            except ModelError as failure:
                error = str(failure)
                break
            finally:
                model_seconds += time.perf_counter() - asked
            messages.append(reply)
            calls = reply.get("tool_calls") or []
            if not calls:
                episode.observe([reply])  # the turn's final message: the answer of a question turn
                break
            for call in calls:
                function = call.get("function") or {}
                content = episode.call(str(function.get("name") or ""), function.get("arguments"))
                messages.append(
                    {"role": "tool", "tool_call_id": call.get("id"), "name": function.get("name"), "content": content}
                )
        else:
            error = f"turn {episode.turn} hit the limit of {max_calls} tool-calling rounds"
        request = episode.next_turn() if error is None else None
    score = scorer.score(task, episode.calls, weights=weights, tau=weights.tau, answers=episode.answers)
    return Played(task, score, messages, error, time.perf_counter() - started, model_seconds)


# ----------------------------------------------------------------- tables and plot


def _table(records: list[dict[str, Any]]) -> dict[str, Any]:
    count = len(records)
    if not count:
        return {"tasks": 0}
    mean = lambda key: sum(r[key] for r in records) / count  # noqa: E731
    return {
        "tasks": count,
        "success_rate": mean("success"),
        "partial_credit": mean("state"),
        "reward": mean("reward"),
        "trace": mean("trace"),
        "penalty": mean("penalty"),
        "turn_success_rate": sum(r["turns_exact"] for r in records) / max(sum(r["turns"] for r in records), 1),
        "calls_per_task": mean("calls"),
        "errors": sum(1 for r in records if r["error"]),
    }


def tables(records: list[dict[str, Any]], seen_envs: set[str] | None) -> dict[str, Any]:
    by_domain: dict[str, list] = defaultdict(list)
    by_env: dict[str, list] = defaultdict(list)
    for record in records:
        by_domain[record["domain"]].append(record)
        by_env[record["env"]].append(record)
    envs = {}
    for name, rows in sorted(by_env.items()):
        envs[name] = {"domain": rows[0]["domain"], **_table(rows)}
        if seen_envs is not None:
            envs[name]["held_out"] = name not in seen_envs
    return {
        "overall": _table(records),
        "per_domain": {name: _table(rows) for name, rows in sorted(by_domain.items())},
        "per_environment": envs,
    }


def plot(results: dict[str, Any], path: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    domains = list(results["per_domain"])
    success = [results["per_domain"][d]["success_rate"] for d in domains]
    partial = [results["per_domain"][d]["partial_credit"] for d in domains]
    figure, axes = plt.subplots(figsize=(max(4.0, 1.6 * len(domains) + 2), 3.6))
    positions = range(len(domains))
    axes.bar([p - 0.2 for p in positions], success, width=0.4, label="success (state match)")
    axes.bar([p + 0.2 for p in positions], partial, width=0.4, label="partial credit (state)")
    axes.set_xticks(list(positions), [f"{d}\n({results['per_domain'][d]['tasks']} tasks)" for d in domains])
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("share")
    axes.set_title(title, fontsize=10)
    axes.legend(loc="upper right", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


# ----------------------------------------------------------------- the run


def _seen_envs(config: EvalRunConfig) -> set[str] | None:
    if config.train_tasks is None:
        return None
    from envdsl.sample.task import TaskFormatError

    path = Path(config.train_tasks)
    if not path.is_file():
        raise TrainError(f"{path}: no such training tasks file (train_tasks)", 2)
    try:
        return {task.env.name for task in iter_tasks(path)}
    except TaskFormatError as error:
        raise TrainError(str(error)) from None


def _model(config: EvalRunConfig) -> ChatModel:
    if config.model.endpoint is not None:
        endpoint = config.model.endpoint
        key = None
        if endpoint.api_key_env:
            key = os.environ.get(endpoint.api_key_env)
            if not key:
                raise TrainError(
                    f"the environment variable {endpoint.api_key_env} (model.endpoint.api_key_env) is not set", 2
                )
        chat = OpenAIChat(
            endpoint.base_url, endpoint.model, key, endpoint.timeout, config.temperature, config.max_new_tokens
        )
        chat.check()
        return chat
    return LocalChat(config.model.local, config.temperature, config.max_new_tokens)


def run_eval(config: EvalRunConfig) -> dict[str, Any]:
    from envdsl.train.adapter import RolloutContext, environment_class, training_tool_schemas
    from envdsl.train.tasks import load_task_set

    task_set = load_task_set(config.tasks, config.envs_root, limit=config.limit)
    seen = _seen_envs(config)
    if seen is not None and config.require_held_out:
        overlap = sorted(seen & set(task_set.envs))
        if overlap:
            raise TrainError(f"require_held_out: these environments were seen in training: {', '.join(overlap)}")
    model = _model(config)
    run = RunDir(config.output_dir)
    run.write_config(config)
    context = RolloutContext(task_set.by_id, task_set.scorer)
    if config.schemas == "training":
        tools = {
            name: training_tool_schemas(environment_class(name, info.schemas, context))
            for name, info in task_set.envs.items()
        }
    else:
        tools = {name: info.schemas for name, info in task_set.envs.items()}
    weights = Weights(tau=config.tau)
    records = []
    model_seconds = 0.0
    with (
        (run.path / "tasks.jsonl").open("w", encoding="utf-8") as scored,
        (run.path / "transcripts.jsonl").open("w", encoding="utf-8") as transcripts,
    ):
        for index, task in enumerate(task_set.tasks):
            played = play(task, model, tools[task.env.name], task_set.scorer, weights, config.max_tool_calls_per_turn)
            model_seconds += played.model_seconds
            s = played.score
            record = {
                "task_id": task.id,
                "env": task.env.name,
                "domain": task.env.domain,
                "success": 1.0 if s.exact and played.error is None else 0.0,
                "state": s.state,
                "reward": s.reward,
                "trace": s.trace,
                "penalty": s.penalty,
                "turns": len(s.turns),
                "turns_exact": sum(1 for t in s.turns if t.exact),
                "calls": sum(t.calls for t in s.turns),
                "invalid_calls": sum(t.invalid + t.unparseable for t in s.turns),
                "error": played.error,
                "seconds": round(played.seconds, 4),
            }
            records.append(record)
            scored.write(json.dumps(record, ensure_ascii=False) + "\n")
            transcripts.write(json.dumps({"task_id": task.id, "messages": played.messages}, ensure_ascii=False) + "\n")
            run.log({"task": index + 1, **{k: record[k] for k in ("task_id", "success", "state", "reward", "error")}})
    results = tables(records, seen)
    label = config.model.endpoint.model if config.model.endpoint is not None else config.model.local
    results["model"] = label
    results["tau"] = config.tau
    results["schemas"] = config.schemas
    run.write_json("results.json", results)
    plot(results, run.path / "results.png", f"{label}: {len(records)} task(s)")
    summary = {
        "kind": "eval",
        "model": label,
        "tasks": len(records),
        "environments": sorted(task_set.envs),
        "overall": results["overall"],
        "model_seconds": round(model_seconds, 3),
        "results": str(run.path / "results.json"),
        "plot": str(run.path / "results.png"),
    }
    run.write_summary(summary)
    return summary
