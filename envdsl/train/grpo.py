"""Multi-turn RL with trl's `GRPOTrainer`, rewarded by verified environment state.

Rule: the reward comes from the environment, through trl's own mechanism.
`environment_factory` is a `{env name: class}` mapping (`adapter.py`); trl
draws one pooled instance per rollout and calls `reset(**row)` on it, runs
the model's tool calls on it, and adds `get_reward()` (weight 1, logged as
`rewards/<Env>Env/mean`) — the replay score of `envdsl.reward` for the
row's turn. One extra reward function, `state_match`, has weight 0: it
changes nothing and logs the parts of that score (`envdsl/state`,
`envdsl/trace`, `envdsl/penalty`, `envdsl/exact`, `envdsl/tau`) and writes
every rollout's calls and score to `rollouts.jsonl`, so a run can be audited
call by call. tau follows the configured schedule over the run's steps (a
callback keeps the shared context's step current).
"""

from __future__ import annotations

import time
from typing import Any

from envdsl.train.config import GRPORunConfig
from envdsl.train.errors import TrainError
from envdsl.train.rundir import RunDir, cuda_available, load_model_and_tokenizer, metrics_callback, resolve_bf16
from envdsl.train.sft import _trl_config


def _progress_callback(context):
    from transformers import TrainerCallback

    class Progress(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            context.total_steps = max(int(state.max_steps), 1)

        def on_step_begin(self, args, state, control, **kwargs):
            context.step = int(state.global_step)

    return Progress()


def _state_match(context, run: RunDir):
    def state_match(prompts, completions, environments=None, log_metric=None, **kwargs) -> list[float | None]:
        """Weight 0: logs the parts of each rollout's environment reward; never changes the reward."""
        if not environments:
            return [None] * len(prompts)
        # trl runs this (reward_funcs[0]) before the environments' get_reward: hand each episode what only the
        # completion shows (calls to unknown tools, the final answer) so get_reward scores it too.
        for env, completion in zip(environments, completions, strict=True):
            env._observe(completion)
        scores = [env._turn_score() for env in environments]
        known = [s for s in scores if s is not None]
        if log_metric is not None and known:
            for part in ("state", "trace", "penalty"):
                log_metric(f"envdsl/{part}", sum(getattr(s, part) for s in known) / len(known))
            log_metric("envdsl/exact", sum(1.0 for s in known if s.exact) / len(known))
            log_metric("envdsl/tau", context.tau())
        for env, score in zip(environments, scores, strict=True):
            if score is None or env._task is None:
                continue
            run.log_rollout(
                {
                    "step": context.step + 1,
                    "task_id": env._task.id,
                    "turn": env._turn,
                    "tool_calls": [
                        {"tool": c.tool, "arguments": c.arguments, "parse_error": c.parse_error}
                        for c in env._episode.calls
                    ],
                    "tau": context.tau(),
                    **score.to_json(),
                }
            )
        return [s.state if s is not None else None for s in scores]

    return state_match


def run_grpo(config: GRPORunConfig) -> dict[str, Any]:
    from envdsl.reward import Weights
    from envdsl.train.adapter import RolloutContext, TauSchedule, environment_class
    from envdsl.train.tasks import grpo_rows, load_task_set

    task_set = load_task_set(config.tasks, config.envs_root)
    model, tokenizer = load_model_and_tokenizer(config.model)
    run = RunDir(config.output_dir)
    run.write_config(config)
    reward = config.reward
    context = RolloutContext(
        tasks=task_set.by_id,
        scorer=task_set.scorer,
        weights=Weights(reward.tau_start, reward.per_call_penalty, reward.penalty_cap, reward.floor),
        schedule=TauSchedule(reward.tau_start, reward.tau_end),
    )
    factories = {name: environment_class(name, info.schemas, context) for name, info in task_set.envs.items()}

    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    rows = grpo_rows(task_set)
    dataset = Dataset.from_list(rows)
    fields = {
        "output_dir": str(run.path),
        "max_steps": config.max_steps,
        "num_train_epochs": config.num_train_epochs,
        "learning_rate": config.learning_rate,
        "per_device_train_batch_size": config.per_device_train_batch_size,
        "gradient_accumulation_steps": config.gradient_accumulation_steps,
        "num_generations": config.num_generations,
        "max_completion_length": config.max_completion_length,
        "max_tool_calling_iterations": config.max_tool_calling_iterations,
        "temperature": config.temperature,
        "beta": config.beta,
        "reward_weights": [0.0],  # state_match only logs; the environments' get_reward is the reward
        "logging_steps": config.logging_steps,
        "save_strategy": "steps",
        "save_steps": config.save_steps,
        "save_total_limit": config.save_total_limit,
        "bf16": resolve_bf16(config.bf16),
        "seed": config.seed,
        "report_to": "none",
        "disable_tqdm": True,
        "dataloader_pin_memory": cuda_available(),
    }
    if config.gradient_checkpointing:
        fields["gradient_checkpointing"] = True
    args = _trl_config(GRPOConfig, fields, config.trl)

    try:
        trainer = GRPOTrainer(
            model=model,
            reward_funcs=[_state_match(context, run)],
            args=args,
            train_dataset=dataset,
            processing_class=tokenizer,
            environment_factory=factories,
            callbacks=[_progress_callback(context), metrics_callback(run, lambda: _env_share(context))],
        )
    except ValueError as error:
        raise TrainError(f"trl refused the run: {error}", 2) from None
    started = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - started
    final = run.path / "final"
    trainer.save_model(str(final))
    tokenizer.save_pretrained(str(final))
    steps = trainer.state.global_step
    env_rewards = [
        value
        for entry in trainer.state.log_history
        for key, value in entry.items()
        if key.startswith("rewards/") and key.endswith("Env/mean")
    ]
    summary = {
        "kind": "grpo",
        "model": config.model,
        "final_model": str(final),
        "tasks": len(task_set.tasks),
        "environments": sorted(task_set.envs),
        "rows": len(rows),
        "steps": steps,
        "train_seconds": round(seconds, 3),
        "steps_per_second": round(steps / seconds, 4) if seconds else None,
        "rollouts": context.rollouts,
        "tool_calls": context.tool_calls,
        "env_seconds": round(context.env_seconds, 4),
        "env_share_of_train_time": round(context.env_seconds / seconds, 5) if seconds else None,
        "mean_env_reward": sum(env_rewards) / len(env_rewards) if env_rewards else None,
        "tau": {"start": reward.tau_start, "end": reward.tau_end, "final": context.tau()},
        "train_loss": result.training_loss,
        "device": str(trainer.args.device),
    }
    run.write_summary(summary)
    return summary


def _env_share(context) -> dict[str, Any]:
    return {
        "envdsl/env_seconds": round(context.env_seconds, 5),
        "envdsl/rollouts": context.rollouts,
        "envdsl/tool_calls": context.tool_calls,
    }
