"""Supervised fine-tuning on sampled tasks with trl's `SFTTrainer`.

Rule: the model learns tool calls in the exact text it will see in GRPO and
evaluation. The rows are the tasks' transcripts, rendered with the model's
own chat template and with the tool schemas of `adapter.training_tool_schemas`
(what trl renders for the GRPO environments); with `assistant_only_loss`
trl swaps in its prefix-preserving training template, the same one GRPO
uses for multi-turn rollouts.
"""

from __future__ import annotations

import time
from typing import Any

from envdsl.train.config import SFTRunConfig
from envdsl.train.errors import TrainError
from envdsl.train.rundir import RunDir, cuda_available, load_model_and_tokenizer, metrics_callback, resolve_bf16


def training_schemas(task_set) -> dict[str, list[dict[str, Any]]]:
    from envdsl.train.adapter import RolloutContext, environment_class, training_tool_schemas

    context = RolloutContext(task_set.by_id, task_set.scorer)
    return {
        name: training_tool_schemas(environment_class(name, info.schemas, context))
        for name, info in task_set.envs.items()
    }


def _trl_config(cls: type, fields: dict[str, Any], extra: dict[str, Any]):
    try:
        return cls(**{**fields, **extra})
    except (TypeError, ValueError) as error:
        raise TrainError(f"the trainer settings are not valid: {error}", 2) from None


def run_sft(config: SFTRunConfig) -> dict[str, Any]:
    from envdsl.train.tasks import load_task_set, sft_rows

    task_set = load_task_set(config.tasks, config.envs_root)
    model, tokenizer = load_model_and_tokenizer(config.model)
    run = RunDir(config.output_dir)
    run.write_config(config)

    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    rows = sft_rows(task_set, training_schemas(task_set))
    dataset = Dataset.from_list(rows)
    args = _trl_config(
        SFTConfig,
        {
            "output_dir": str(run.path),
            "max_steps": config.max_steps,
            "num_train_epochs": config.num_train_epochs,
            "learning_rate": config.learning_rate,
            "per_device_train_batch_size": config.per_device_train_batch_size,
            "gradient_accumulation_steps": config.gradient_accumulation_steps,
            "max_length": config.max_length,
            "assistant_only_loss": config.assistant_only_loss,
            "logging_steps": config.logging_steps,
            "save_strategy": "steps",
            "save_steps": config.save_steps,
            "save_total_limit": config.save_total_limit,
            "bf16": resolve_bf16(config.bf16),
            "seed": config.seed,
            "report_to": "none",
            "disable_tqdm": True,
            "dataloader_pin_memory": cuda_available(),
        },
        {**({"gradient_checkpointing": True} if config.gradient_checkpointing else {}), **config.trl},
    )
    try:
        trainer = SFTTrainer(
            model=model,
            args=args,
            train_dataset=dataset,
            processing_class=tokenizer,
            callbacks=[metrics_callback(run)],
        )
    except ValueError as error:
        # trl's own checks (a template without tool support, assistant-only loss
        # on a template it cannot patch, ...) are about the user's model or data.
        raise TrainError(f"trl refused the run: {error}", 2) from None
    kept = len(trainer.train_dataset)
    if kept == 0:
        # trl drops an example whose assistant tokens all fall past max_length (large tool schemas
        # in the system prompt make long prompts): say so instead of failing inside the sampler.
        raise TrainError(
            f"no example has an assistant token within max_length={config.max_length} tokens "
            f"({len(rows)} dropped); raise max_length (the tool schemas alone can take thousands of tokens)"
        )
    started = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - started
    final = run.path / "final"
    trainer.save_model(str(final))
    tokenizer.save_pretrained(str(final))
    steps = trainer.state.global_step
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    summary = {
        "kind": "sft",
        "model": config.model,
        "final_model": str(final),
        "tasks": len(task_set.tasks),
        "environments": sorted(task_set.envs),
        "rows": len(rows),
        "rows_trained": kept,
        "steps": steps,
        "train_seconds": round(seconds, 3),
        "steps_per_second": round(steps / seconds, 4) if seconds else None,
        "first_loss": losses[0] if losses else None,
        "final_loss": losses[-1] if losses else None,
        "train_loss": result.training_loss,
        "device": str(trainer.args.device),
    }
    run.write_summary(summary)
    return summary
