"""SFT on sampled tasks (trl SFTTrainer); see docs/training.md.

python trainers/sft.py --config trainers/configs/sft-tiny.yaml [--model PATH] [--tasks FILE] [--output-dir DIR] [--set KEY=VALUE]
"""

import sys

from envdsl.train.cli import parser_for
from envdsl.train.rundir import run_main


def _run(config):
    from envdsl.train.sft import run_sft

    summary = run_sft(config)
    print(
        f"sft: {summary['steps']} steps in {summary['train_seconds']} s, final loss {summary['final_loss']}; model in {summary['final_model']}"
    )


def main(argv=None):
    return run_main(parser_for("sft", "Supervised fine-tuning on envdsl tasks."), _run, argv)


if __name__ == "__main__":
    sys.exit(main())
