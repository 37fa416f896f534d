"""Evaluate an OpenAI-compatible endpoint or a local model on held-out tasks; see docs/training.md.

python trainers/eval.py --config trainers/configs/eval-tiny.yaml [--model PATH | --endpoint URL] [--tasks FILE] [--output-dir DIR]
"""

import sys

from envdsl.train.cli import parser_for
from envdsl.train.rundir import run_main


def _run(config):
    from envdsl.train.evaluate import run_eval

    summary = run_eval(config)
    overall = summary["overall"]
    print(
        f"eval: {summary['tasks']} tasks, success {overall['success_rate']:.3f}, partial credit "
        f"{overall['partial_credit']:.3f}, reward {overall['reward']:.3f}, errors {overall['errors']}; "
        f"tables in {summary['results']}"
    )


def main(argv=None):
    return run_main(parser_for("eval", "Evaluate a model on envdsl tasks (success by state match)."), _run, argv)


if __name__ == "__main__":
    sys.exit(main())
