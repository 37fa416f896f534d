"""Build the tiny random Qwen3 model used by the CPU configs and tests (no download).

    python trainers/tiny_model.py OUT_DIR [--tasks runs/tasks.jsonl] [--envs-root .] [--vocab-size 512] [--hidden-size 64]

With --tasks, the tokenizer is trained on the tasks' conversations rendered
with the model's chat template and training tool schemas, so they take fewer tokens.
"""

import argparse
import sys

from envdsl.train.rundir import run_main


def _parse(argv):
    parser = argparse.ArgumentParser(prog="trainers/tiny_model.py", description="Build a tiny random Qwen3 model.")
    parser.add_argument("out_dir")
    parser.add_argument("--tasks", help="train the tokenizer on these tasks' conversations")
    parser.add_argument("--envs-root", default=".")
    parser.add_argument("--vocab-size", type=int, default=512)
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def _run(args):
    from envdsl.train.tiny import build_tiny_model, conversation_texts

    texts = conversation_texts(args.tasks, args.envs_root) if args.tasks else []
    out = build_tiny_model(
        args.out_dir,
        texts=texts,
        vocab_size=args.vocab_size,
        hidden_size=args.hidden_size,
        num_layers=args.layers,
        head_dim=max(args.hidden_size // 4, 8),
        seed=args.seed,
    )
    print(f"tiny model in {out}")


def main(argv=None):
    return run_main(_parse, _run, argv)


if __name__ == "__main__":
    sys.exit(main())
