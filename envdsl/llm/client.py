"""Settings for an OpenAI-compatible endpoint, and a chat client that retries and then fails in one line.

Rule: settings come from, highest first, command-line flags, the environment
(`ENVDSL_LLM_BASE_URL`, `ENVDSL_LLM_MODEL`), the `[llm]` table of a TOML
config file (`--config FILE`, else `./envdsl.toml`), then defaults. The API
key is never stored in a file: it is read from the environment variable the
settings name (`api_key_env`, default `OPENAI_API_KEY`); a loopback endpoint
may run without one. Connection refused, timeouts, HTTP 429 and 5xx are
retried with exponential backoff (a server's short `Retry-After` is
honoured), and so is a streamed answer that breaks off (`stream = true`);
after the last try, or on any other HTTP error, `LLMError` says in
one line which endpoint failed, how, and what to check. Answers are returned
as text and never executed.
"""

from __future__ import annotations

import os
import time
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CONFIG_NAME = "envdsl.toml"
KEYS = ("base_url", "model", "api_key_env", "timeout", "retries", "backoff", "temperature", "max_tokens", "stream")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class LLMError(Exception):
    """A model could not be reached or configured; the message is one line meant for the user."""


@dataclass(frozen=True)
class LLMSettings:
    base_url: str | None = None
    model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    timeout: float = 120.0  # seconds per request
    retries: int = 4  # tries after the first one
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    temperature: float = 0.2
    max_tokens: int | None = None
    stream: bool = False  # read the answer as server-sent events (a long answer never idles past the timeout)
    source: dict[str, str] = field(default_factory=dict, compare=False)  # setting -> where it came from

    def require(self) -> LLMSettings:
        """Self, if an endpoint and a model are set; else `LLMError` saying how to set them."""
        missing = [name for name in ("base_url", "model") if not getattr(self, name)]
        if missing:
            flags = " and ".join(f"--{m.replace('_', '-')}" for m in missing)
            raise LLMError(
                f"no {' and '.join(missing)} set for the model: pass {flags}, set {' and '.join('ENVDSL_LLM_' + m.upper() for m in missing)}, "
                f"or write it under [llm] in {CONFIG_NAME} (docs/authoring.md)"
            )
        return self

    def api_key(self) -> str:
        key = os.environ.get(self.api_key_env, "")
        if key:
            return key
        host = urlparse(self.base_url or "").hostname or ""
        if host in LOOPBACK:
            return "no-key"  # local servers do not check keys; the client needs a non-empty one
        raise LLMError(
            f"no API key for {self.base_url}: set the environment variable {self.api_key_env} "
            f"(or name another one with --api-key-env)"
        )

    def public(self) -> dict[str, Any]:
        """What a run folder records: everything but the key (only the variable's name)."""
        return {k: getattr(self, k) for k in KEYS}


def load_settings(config: Path | None = None, **flags: Any) -> LLMSettings:
    """Merge config file, environment and flags (None means "not given")."""
    values: dict[str, Any] = {}
    source: dict[str, str] = {}
    path = config if config is not None else Path(CONFIG_NAME)
    if config is not None or path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise LLMError(f"cannot read the config file {path}: {error.strerror or error}") from None
        except tomllib.TOMLDecodeError as error:
            raise LLMError(f"{path}: not valid TOML: {error}") from None
        table = data.get("llm", {})
        if not isinstance(table, dict):
            raise LLMError(f"{path}: [llm] must be a table")
        unknown = sorted(set(table) - set(KEYS))
        if unknown:
            raise LLMError(f"{path}: unknown [llm] setting {unknown[0]!r}; known: {', '.join(KEYS)}")
        for key, value in table.items():
            values[key] = value
            source[key] = str(path)
    for key in ("base_url", "model"):
        env_value = os.environ.get(f"ENVDSL_LLM_{key.upper()}")
        if env_value:
            values[key] = env_value
            source[key] = f"ENVDSL_LLM_{key.upper()}"
    for key, value in flags.items():
        if key not in KEYS:
            raise TypeError(f"unknown setting {key}")
        if value is not None:
            values[key] = value
            source[key] = "flag"
    settings = LLMSettings(**values, source=source)
    _validate(settings, path)
    return settings


def _validate(settings: LLMSettings, path: Path) -> None:
    where = lambda key: settings.source.get(key, "default")  # noqa: E731
    checks = [
        ("timeout", isinstance(settings.timeout, int | float) and settings.timeout > 0, "a positive number"),
        ("retries", isinstance(settings.retries, int) and 0 <= settings.retries <= 20, "an integer from 0 to 20"),
        ("backoff", isinstance(settings.backoff, int | float) and settings.backoff >= 0, "a number >= 0"),
        ("temperature", isinstance(settings.temperature, int | float), "a number"),
        ("max_tokens", settings.max_tokens is None or isinstance(settings.max_tokens, int), "an integer"),
        ("base_url", settings.base_url is None or isinstance(settings.base_url, str), "a URL string"),
        ("model", settings.model is None or isinstance(settings.model, str), "a string"),
        ("stream", isinstance(settings.stream, bool), "true or false"),
        ("api_key_env", isinstance(settings.api_key_env, str) and settings.api_key_env, "a variable name"),
    ]
    for key, ok, expected in checks:
        if not ok:
            raise LLMError(f"setting {key} (from {where(key)}) must be {expected}, not {getattr(settings, key)!r}")
    if settings.base_url:
        parsed = urlparse(settings.base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise LLMError(
                f"base URL {settings.base_url!r} (from {where('base_url')}) is not an http(s) URL, "
                "e.g. http://127.0.0.1:8000/v1"
            )


@dataclass
class Answer:
    text: str
    finish_reason: str | None
    attempts: int
    seconds: float
    usage: dict[str, Any] | None = None


class ChatClient:
    """One endpoint and model; `chat(messages)` returns the answer's text (possibly empty)."""

    def __init__(self, settings: LLMSettings, sleep: Any = time.sleep) -> None:
        try:
            import openai
        except ImportError:
            raise LLMError('the model client needs the openai package: pip install "envdsl[llm]"') from None
        self.settings = settings.require()
        self._openai = openai
        self._sleep = sleep
        self._client = openai.OpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key(),
            timeout=settings.timeout,
            max_retries=0,  # retries are ours: counted, logged and explained
        )

    def chat(self, messages: list[dict[str, str]], **extra: Any) -> Answer:
        openai = self._openai
        s = self.settings
        started = time.perf_counter()
        last = ""
        for attempt in range(s.retries + 1):
            wait = s.backoff * (2**attempt)
            try:
                kwargs: dict[str, Any] = {"model": s.model, "messages": messages, "temperature": s.temperature}
                if s.max_tokens:
                    kwargs["max_tokens"] = s.max_tokens
                if s.stream:
                    text, finish = _collect(self._client.chat.completions.create(**kwargs, stream=True, **extra))
                    if finish is None:
                        raise _StreamCut("the stream ended without a finish reason")
                    return Answer(text, finish, attempt + 1, time.perf_counter() - started)
                response = self._client.chat.completions.create(**kwargs, **extra)
            except _StreamCut as error:
                last = f"the answer stream broke off ({error}); check the server's log, or set stream = false"
            except openai.APITimeoutError:
                last = f"no answer within {s.timeout:g} s (timeout); check that the server is not overloaded, or raise --timeout"
            except openai.APIConnectionError as error:
                cause = error.__cause__ or error
                last = f"cannot connect ({_reason(cause)}); check that the server is running and --base-url is right"
            except openai.RateLimitError as error:
                last = f"HTTP 429 rate limited ({_detail(error)}); wait or lower the request rate"
                wait = max(wait, _retry_after(error, cap=30.0))
            except openai.InternalServerError as error:
                last = f"HTTP {error.status_code} server error ({_detail(error)}); check the server's log"
            except openai.APIStatusError as error:
                hint = {
                    401: f"check the API key in {s.api_key_env}",
                    403: f"check the API key in {s.api_key_env}",
                    404: f"check --base-url (usually ends in /v1) and that model {s.model!r} exists",
                }.get(error.status_code, "check the request settings")
                raise LLMError(f"{s.base_url}: HTTP {error.status_code} ({_detail(error)}); {hint}") from None
            except openai.APIError as error:  # an answer the client could not read
                raise LLMError(
                    f"{s.base_url}: unreadable answer ({_detail(error)}); is this an OpenAI-compatible endpoint?"
                ) from None
            except Exception as error:
                if not s.stream or type(error).__module__.split(".")[0] not in ("httpx2", "httpx", "httpcore"):
                    raise
                # A transport error while reading a stream (the server dropped the connection mid-answer).
                last = f"the answer stream broke off ({type(error).__name__}); check the server's log, or set stream = false"
            else:
                return _answer(response, attempt + 1, time.perf_counter() - started, s.base_url or "")
            if attempt < s.retries:
                self._sleep(wait)
        tries = s.retries + 1
        raise LLMError(f"{s.base_url}: {last} (gave up after {tries} tr{'y' if tries == 1 else 'ies'})")


class _StreamCut(Exception):
    pass


def _collect(stream: Any) -> tuple[str, str | None]:
    """The text and finish reason of a streamed answer (None: no chunk carried a finish reason)."""
    parts: list[str] = []
    finish = None
    for chunk in stream:
        for choice in getattr(chunk, "choices", None) or []:
            delta = getattr(choice, "delta", None)
            content = getattr(delta, "content", None) if delta is not None else None
            if isinstance(content, str):
                parts.append(content)
            finish = getattr(choice, "finish_reason", None) or finish
    return "".join(parts), finish


def _answer(response: Any, attempts: int, seconds: float, base_url: str) -> Answer:
    choices = getattr(response, "choices", None) or []
    if not choices:
        return Answer("", None, attempts, seconds)
    choice = choices[0]
    message = getattr(choice, "message", None)
    text = getattr(message, "content", None) or ""
    if not isinstance(text, str):
        raise LLMError(f"{base_url}: the answer's content is not text; is this an OpenAI-compatible endpoint?")
    usage = response.usage.model_dump() if getattr(response, "usage", None) is not None else None
    return Answer(text, getattr(choice, "finish_reason", None), attempts, seconds, usage)


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    for known in ("Connection refused", "Name or service not known", "Temporary failure in name resolution"):
        if known.lower() in text.lower():
            return known.lower()
    return text.splitlines()[0][:160]


def _detail(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    message = body.get("message") if isinstance(body, dict) else None
    text = str(message or getattr(error, "message", "") or type(error).__name__)
    return text.splitlines()[0][:160] if text.strip() else type(error).__name__


def _retry_after(error: Any, cap: float) -> float:
    response = getattr(error, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return min(float(value), cap) if value is not None else 0.0
    except ValueError:
        return 0.0


def with_overrides(settings: LLMSettings, **changes: Any) -> LLMSettings:
    return replace(settings, **{k: v for k, v in changes.items() if v is not None})
