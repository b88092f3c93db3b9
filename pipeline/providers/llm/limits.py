"""The sizes a call must fit: the model's context window and its output cap.

A call that cannot fit is stopped before it is paid for, with the exact fix, or split by
its stage (quizzes one lecture at a time). A cut-off answer is asked for again with more
room only up to what the model can give; past that, more tries would be paid for nothing.
"""

from __future__ import annotations

from pipeline import estimate
from pipeline.errors import ProviderError
from pipeline.providers.llm import LLMProvider
from pipeline.providers.llm.servers import Window

MARGIN = 1.1  # our token counts are estimates (no tokenizer): leave a tenth spare


class ContextTooSmall(ProviderError):
    """The prompt and its expected answer do not fit the model's context window."""

    def __init__(self, message: str, needed: int, window: Window):
        super().__init__(message, status="context")
        self.needed, self.window = needed, window


def check_fits(provider: LLMProvider, what: str, messages: list[dict], out_tokens: int) -> None:
    """Raise ContextTooSmall when prompt + answer would not fit (known windows only)."""
    window = provider.window()
    if window is None:
        return
    prompt = estimate.message_tokens(messages)
    needed = int((prompt + out_tokens) * MARGIN)
    if needed <= window.tokens:
        return
    raise ContextTooSmall(
        f"{what}: the prompt (about {prompt:,} tokens) and its answer (about {out_tokens:,}) "
        f"do not fit the {window.tokens:,}-token context window of {provider.cfg.model} "
        f"({window.source}), so it was not sent. Fix: {_fix(window, needed)}",
        needed,
        window,
    )


def _fix(window: Window, needed: int) -> str:
    size = 1 << max(needed - 1, 1).bit_length()  # the next power of two that fits
    if window.ollama and "num_ctx" in window.source:  # a Modelfile's num_ctx comes first
        size = max(size, 8192)
        return (
            f"give the model a larger window: its Modelfile sets num_ctx; make a copy with "
            f"`PARAMETER num_ctx {size}` (`ollama create NAME -f Modelfile`), use that as "
            f"llm.model and set llm.context_tokens: {size} in topic.yaml"
        )
    if window.ollama:
        size = max(size, 8192)  # never less than Ollama's own default
        return (
            f"give the model a larger window: restart Ollama as "
            f"`OLLAMA_CONTEXT_LENGTH={size} ollama serve` (it needs the GPU memory), then "
            f"set llm.context_tokens: {size} in topic.yaml; or pick a smaller course "
            "(fewer lectures per section, shorter lectures)"
        )
    return (
        f"pick a model with a context window of at least {size:,} tokens, or, if this "
        f"model's window is really larger, set llm.context_tokens in topic.yaml"
    )


def next_limit(provider: LLMProvider, limit: int | None, used: int) -> int | None:
    """A larger output limit for a cut-off answer, or None when there is no more to give:
    at most the model's known cap, and never past what the person set when the cap is
    unknown."""
    cap = provider.output_cap()
    if cap is None:
        return None
    current = limit or used
    return min(cap, current * 2) if current < cap else None


def cut_off_advice(provider: LLMProvider, setting: int | None, sent: int | None, used: int) -> str:
    """What to change when an answer is cut off: `setting` is llm.max_tokens, `sent` the
    limit the last call had (raised by Lectern up to the cap), `used` its tokens out."""
    cap, model, limit = provider.output_cap(), provider.cfg.model, setting
    if cap is not None and (sent or used) >= cap:
        return (
            f"the answer needs more than {model}'s output cap of {cap:,} tokens: shorten "
            "minutes_per_lecture in topic.yaml, or pick a model with a larger cap"
        )
    if limit:
        room = f" (it allows {cap:,})" if cap else ", as far as the model allows"
        return (
            f"the answer did not fit in {sent or used:,} tokens: raise llm.max_tokens (now "
            f"{limit:,}) in topic.yaml{room}, or shorten minutes_per_lecture"
        )
    return (
        f"the server cut the answer off at {used:,} tokens, its own limit for {model}: "
        "set llm.max_tokens in topic.yaml to what the model allows (Ollama: num_predict "
        "in its Modelfile), or shorten minutes_per_lecture"
    )
