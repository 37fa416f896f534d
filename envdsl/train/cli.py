"""The shared command line of `trainers/*.py`: a YAML config plus a few overrides.

python trainers/sft.py --config trainers/configs/sft-tiny.yaml --model runs/tiny --set max_steps=10
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from envdsl.train.config import load_config


def parser_for(kind: str, description: str) -> Callable[[list[str]], Any]:
    parser = argparse.ArgumentParser(prog=f"trainers/{kind}.py", description=description)
    parser.add_argument("--config", "-c", help="the run's YAML config (see trainers/configs/)")
    parser.add_argument(
        "--model", help="override `model` (a folder or hub id)" if kind != "eval" else "override `model.local`"
    )
    parser.add_argument("--endpoint", help="eval only: an OpenAI-compatible base URL (sets `model.endpoint.base_url`)")
    parser.add_argument("--tasks", help="override `tasks` (JSONL)")
    parser.add_argument("--output-dir", help="override `output_dir`")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any field, e.g. reward.tau_end=0.2 (repeatable)",
    )

    def parse(argv: list[str]) -> Any:
        args = parser.parse_args(argv)
        overrides = list(args.overrides)
        fields: dict[str, Any] = {"tasks": args.tasks, "output_dir": args.output_dir}
        if kind == "eval":
            if args.model:
                overrides += [f"model.local={args.model}", "model.endpoint=null"]
            if args.endpoint:
                overrides += [f"model.endpoint.base_url={args.endpoint}", "model.local=null"]
        else:
            if args.endpoint:
                parser.error("--endpoint is for trainers/eval.py")
            fields["model"] = args.model
        return load_config(kind, args.config, overrides, **fields)

    return parse
