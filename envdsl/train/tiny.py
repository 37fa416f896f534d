"""A tiny causal LM built locally: random weights, a tokenizer trained here.

Rule: no hub download, ever. Tests and CPU smoke runs need a real model that
trl can train and `transformers serve` can serve, and none ships on PyPI, so
this builds one in well under a second:

- a byte-level BPE trained with `tokenizers` on the given texts (plus the
  chat template's own literal text), with Qwen's special tokens: the three
  control tokens are special, the tag tokens (`<tool_call>`, `<think>`, ...)
  are plain added tokens, as in Qwen3's tokenizer, so decoding keeps them and
  tool calls can be parsed from decoded text;
- trl's own Qwen3 chat template, byte for byte, because trl recognises known
  templates by exact text to parse tool calls and to pick its
  prefix-preserving training template;
- a `Qwen3ForCausalLM` from a small config (default: hidden 64, 2 layers,
  about 0.1 M parameters plus the embeddings), `max_position_embeddings`
  large enough for tool schemas in the system prompt.

The model knows nothing: it calls tools only after SFT on conversations that
render the same tool schemas (see docs/training.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

CONTROL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
TAG_TOKENS = ("<think>", "</think>", "<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>")

# Text the tokenizer should compress well even without a corpus: JSON and
# chat-template punctuation that every tool call and schema uses.
_BASE_CORPUS = (
    '{"name": "tool", "arguments": {"key": "value", "number": 1, "flag": true, "none": null}}',
    '{"type": "function", "function": {"name": "x", "description": "y", "parameters": {"type": "object", '
    '"properties": {"a": {"type": "string", "description": "z"}}, "required": ["a"]}}}',
    '"type": "integer" "type": "number" "type": "boolean" "nullable": true "enum": ["a", "b"] "items":',
)


def trl_chat_template(name: str) -> str:
    """trl's shipped template `name` (e.g. "qwen3"), read from its package data: the same
    bytes as `trl.chat_template_utils.qwen3_chat_template` without importing that module
    (it pulls in most of trl: seconds of start-up)."""
    from importlib.util import find_spec

    spec = find_spec("trl")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("trl is not installed; install the train extra: pip install -e '.[train]'")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / "chat_templates" / f"{name}.jinja").read_text(encoding="utf-8")


def _corpus(texts: Iterable[str], chat_template: str) -> list[str]:
    from transformers.utils.chat_template_utils import _get_template_literal_text

    corpus = list(_BASE_CORPUS)
    try:
        corpus.append(_get_template_literal_text(chat_template))
    except Exception:  # noqa: BLE001 - a private helper; the template text itself serves as well
        corpus.append(chat_template)
    corpus.extend(t for t in texts if t)
    return corpus


def build_tokenizer(texts: Iterable[str] = (), vocab_size: int = 512):
    """A `PreTrainedTokenizerFast` with trl's Qwen3 chat template (eos `<|im_end|>`, pad `<|endoftext|>`, left padding)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    qwen3_chat_template = trl_chat_template("qwen3")

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(CONTROL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(_corpus(texts, qwen3_chat_template), trainer)
    tokenizer.add_tokens([AddedToken(t, special=False, normalized=False) for t in TAG_TOKENS])
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        padding_side="left",
        model_max_length=1 << 30,
    )
    wrapped.chat_template = qwen3_chat_template
    return wrapped


def build_tiny_model(
    out_dir: str | Path,
    *,
    texts: Iterable[str] = (),
    vocab_size: int = 512,
    hidden_size: int = 64,
    num_layers: int = 2,
    num_heads: int = 4,
    num_kv_heads: int = 2,
    head_dim: int = 16,
    max_position_embeddings: int = 8192,
    seed: int = 0,
) -> Path:
    """Write a randomly initialised Qwen3 model and its tokenizer to `out_dir`; returns the folder."""
    import torch
    from transformers import GenerationConfig, Qwen3Config, Qwen3ForCausalLM

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(texts, vocab_size)
    config = Qwen3Config(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        num_key_value_heads=num_kv_heads,
        head_dim=head_dim,
        max_position_embeddings=max_position_embeddings,
        tie_word_embeddings=True,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
    )
    torch.manual_seed(seed)
    model = Qwen3ForCausalLM(config)
    model.generation_config = GenerationConfig(eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def conversation_texts(tasks_path: str | Path, envs_root: str | Path = ".") -> list[str]:
    """The SFT conversations of a tasks file rendered as the model will see them (a tokenizer corpus)."""
    import json

    from envdsl.train.sft import training_schemas
    from envdsl.train.tasks import load_task_set, sft_rows

    task_set = load_task_set(tasks_path, envs_root)
    tokenizer = build_tokenizer()
    return [
        tokenizer.apply_chat_template(row["messages"], tools=json.loads(row["tools"]), tokenize=False)
        for row in sft_rows(task_set, training_schemas(task_set))
    ]
