"""GRPO with multi-turn tool calling on compiled environments (trl GRPOTrainer,
environment_factory), rewarded by verified state; see docs/training.md.

    python trainers/grpo.py --config trainers/configs/grpo-tiny.yaml [--model PATH] [--tasks FILE] [--output-dir DIR] [--set KEY=VALUE]
"""

import sys

from envdsl.train.cli import parser_for
from envdsl.train.rundir import run_main


def _run(config):
    from envdsl.train.grpo import run_grpo

    summary = run_grpo(config)
    print(
        f"grpo: {summary['steps']} steps in {summary['train_seconds']} s, {summary['rollouts']} rollouts, "
        f"{summary['tool_calls']} tool calls, mean environment reward {summary['mean_env_reward']}, "
        f"environment share of step time {summary['env_share_of_train_time']}; model in {summary['final_model']}"
    )


def main(argv=None):
    return run_main(parser_for("grpo", "GRPO on envdsl environments with state-verified rewards."), _run, argv)


if __name__ == "__main__":
    sys.exit(main())
