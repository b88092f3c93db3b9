"""Facts about the server an OpenAI-compatible endpoint points at: is it the person's own
(free, one request at a time), and how big a context window does it give the model.

vLLM lists `max_model_len` in /v1/models and LM Studio `max_context_length`; Ollama says
nothing there, but its own API does: /api/ps gives the context a loaded model really has,
/api/show the model's `num_ctx` when its Modelfile sets one. Otherwise Ollama gives 4,096
tokens on machines with less than 24 GiB of GPU memory, whatever the model could take.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

OLLAMA_PORT = 11434
OLLAMA_DEFAULT_CONTEXT = 4096
PROBE_TIMEOUT_S = 3.0
LOCAL_NAMES = {"localhost", "host.docker.internal", "gateway.docker.internal"}
# Keys servers use for a model's window in /v1/models entries.
WINDOW_KEYS = (
    "max_model_len",
    "loaded_context_length",
    "max_context_length",
    "context_length",
    "context_window",
)


@dataclass(frozen=True)
class Window:
    """A context window and where it was learnt (said in messages)."""

    tokens: int
    source: str
    ollama: bool = False  # the fix is then OLLAMA_CONTEXT_LENGTH


def is_local(url: str | None) -> bool:
    """A server on this machine or the local network: loopback, private and link-local
    addresses, `.local` and single-label names, Docker's host name."""
    host = (urlsplit(url or "").hostname or "").lower().rstrip(".")
    if not host:
        return False
    if host in LOCAL_NAMES or host.endswith(".local") or "." not in host and ":" not in host:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local


def is_ollama(url: str) -> bool:
    """Ollama's OpenAI API, by its port (a probe of /api/version decides otherwise)."""
    return urlsplit(url).port == OLLAMA_PORT


def window(url: str, model: str, headers: dict[str, str] | None = None) -> Window | None:
    """The context window the server at `url` gives `model`, or None when it does not say."""
    found = _from_models(url, model, headers)
    if found is None and (is_ollama(url) or _ollama_version(url) is not None):
        found = _from_ollama(url, model)
    return found


def _get(url: str, headers: dict | None = None, json: dict | None = None) -> dict | None:
    try:
        with httpx.Client(timeout=PROBE_TIMEOUT_S, headers=headers or {}) as http:
            resp = http.post(url, json=json) if json is not None else http.get(url)
        return resp.json() if resp.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None


def _from_models(url: str, model: str, headers: dict | None) -> Window | None:
    data = _get(url.rstrip("/") + "/models", headers) or {}
    for entry in data.get("data") or []:
        if isinstance(entry, dict) and entry.get("id") == model:
            for key in WINDOW_KEYS:
                if isinstance(entry.get(key), int) and entry[key] > 0:
                    return Window(entry[key], f"the server's /models ({key})")
    return None


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _ollama_version(url: str) -> str | None:
    data = _get(_root(url) + "/api/version")
    return data.get("version") if data else None


def _from_ollama(url: str, model: str) -> Window:
    """A loaded model's real window, else its Modelfile's num_ctx, else Ollama's default."""
    for entry in (_get(_root(url) + "/api/ps") or {}).get("models") or []:
        if entry.get("name") in (model, f"{model}:latest") and entry.get("context_length"):
            return Window(int(entry["context_length"]), "Ollama (/api/ps)", ollama=True)
    shown = _get(_root(url) + "/api/show", json={"model": model}) or {}
    for line in str(shown.get("parameters") or "").splitlines():
        name, _, value = line.strip().partition(" ")
        if name == "num_ctx" and value.strip().isdigit():
            return Window(int(value), "the model's Modelfile (num_ctx)", ollama=True)
    told = os.environ.get("OLLAMA_CONTEXT_LENGTH", "")
    if told.isdigit():
        return Window(int(told), "OLLAMA_CONTEXT_LENGTH", ollama=True)
    return Window(
        OLLAMA_DEFAULT_CONTEXT, "Ollama's default below 24 GiB of GPU memory", ollama=True
    )
