"""API keys come from the environment or a git-ignored `.env` file, stay in memory, and go
only to a host the person chose for them.

topic.yaml belongs to the course, and a course may be cloned from someone else, so a
`base_url` it names never gets the person's own key (OPENAI_API_KEY, ELEVENLABS_API_KEY):
it gets no key, or the key in the variable its `api_key_env` names. (Keeping key values
out of bundles is pipeline.secretguard's job.)
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline import log
from pipeline.errors import ConfigError
from pipeline.project import project_root

# Keys Lectern sends only to one service's hosts (the Azure provider binds its own to
# Azure): a course's `api_key_env` may not name them, or a shared course could redirect them.
BOUND_KEYS = {
    "OPENAI_API_KEY": "api.openai.com",
    "ELEVENLABS_API_KEY": "api.elevenlabs.io",
    "AZURE_OPENAI_API_KEY": "the Azure endpoint in AZURE_OPENAI_ENDPOINT",
}
VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# What the openai SDK gets when no key should go: given none, it reads OPENAI_API_KEY itself
# (local servers ignore the key, but the SDK insists on one).
NO_KEY = "not-needed"


@dataclass(frozen=True)
class Service:
    """A cloud API: its own key and base-URL variables, its official URL and hosts."""

    key_var: str
    url_var: str
    url: str
    hosts: frozenset[str]
    # The key goes only to the host of the person's own url_var: every Azure resource has
    # a host of its own (anyone can own one), so no host is safe just by its name.
    pinned: bool = False


OPENAI = Service(
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1", frozenset({"api.openai.com"})
)
# The regional hosts are the ones the SDK's ElevenLabsEnvironment lists.
ELEVENLABS = Service(
    "ELEVENLABS_API_KEY",
    "ELEVENLABS_BASE_URL",
    "https://api.elevenlabs.io",
    frozenset(
        {
            "api.elevenlabs.io",
            "api.us.elevenlabs.io",
            "api.eu.residency.elevenlabs.io",
            "api.in.residency.elevenlabs.io",
            "api.sg.residency.elevenlabs.io",
        }
    ),
)

# Azure OpenAI: the endpoint and key of the person's resource (as the Azure SDKs read them).
AZURE = Service("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "", frozenset(), pinned=True)


@dataclass(frozen=True)
class Credential:
    """Where a provider's calls go and the key sent with them."""

    url: str
    var: str | None  # the variable whose value is sent (its name is safe to show)
    key: str | None  # that value; None sends no key
    official: bool  # the service's own API, which refuses calls without a key


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments, `export` and quotes allowed)."""
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().removeprefix("export ").strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        out[name.strip()] = value.strip().strip("'\"")
    return out


def environment(root: Path | None = None) -> dict[str, str]:
    """The process environment over the project's .env (the environment wins)."""
    return {**read_dotenv((root or project_root()) / ".env"), **os.environ}


def base_url(service: Service, course_url: str | None, env: dict[str, str]) -> str:
    """The server calls go to: topic.yaml's, else the person's *_BASE_URL, else the official."""
    return course_url or env.get(service.url_var) or service.url


def credential(
    service: Service, block: str, course_url: str | None, key_env: str | None, env: dict[str, str]
) -> Credential:
    """The URL and key for a provider whose topic.yaml block (`llm`, `voice`) is given."""
    url = base_url(service, course_url, env)
    official = _chosen(service, url, env) if service.pinned else is_official(service, url)
    if key_env:  # config.py allows it only beside a base_url from topic.yaml
        return Credential(url, key_env, _named_key(env, key_env, block, url), official)
    if course_url and not official:
        return Credential(url, None, None, False)  # the course's server: no key unless named
    key = env.get(service.key_var, "").strip() or None
    return Credential(url, service.key_var if key else None, key, official)


def is_official(service: Service, url: str) -> bool:
    """True for the service's own API over HTTPS (a plain-HTTP URL would expose the key)."""
    parts = urlsplit(url)
    return parts.scheme == "https" and (parts.hostname or "") in service.hosts


def _chosen(service: Service, url: str, env: dict[str, str]) -> bool:
    """True when `url` is (on the host of) the endpoint the person set, over HTTPS."""
    own = env.get(service.url_var, "")
    return bool(own) and urlsplit(url).scheme == "https" and host(url) == host(own)


def _named_key(env: dict[str, str], name: str, block: str, url: str) -> str:
    key = env.get(name, "").strip()
    if not key:
        raise ConfigError(
            f"topic.yaml {block}.api_key_env: ${name} is not set in the "
            f"environment or in .env; set it to the key of the server at "
            f"{host(url)}, or remove {block}.api_key_env to send no key"
        )
    return key


def key_env_problem(name: str, course_url: str | None) -> str | None:
    """Why topic.yaml may not name this variable as its server's key, or None when it may."""
    if not VARIABLE.match(name):
        return f"'{name}' is not a variable name (letters, digits and _, e.g. MY_SERVER_KEY)"
    bound = BOUND_KEYS.get(name.upper())
    if bound:
        return (
            f"names {name}, which Lectern sends only to {bound}: topic.yaml travels "
            "with a course, so it cannot send that key elsewhere. Put this server's key "
            "in a variable of its own, e.g. MY_SERVER_KEY=... in .env, and name that "
            "here; or remove api_key_env to send no key"
        )
    if not course_url:
        return (
            "names the key for base_url, which is not set: add base_url (the server "
            "this key is for) or remove api_key_env (without base_url the provider's "
            "own key is used, e.g. OPENAI_API_KEY)"
        )
    return None


def host(url: str) -> str:
    """host[:port] of a URL, for messages (never the user:password part)."""
    parts = urlsplit(url)
    name = parts.hostname or url
    return f"{name}:{parts.port}" if parts.port else name


_announced: set[str] = set()
_announced_lock = threading.Lock()


def announce(block: str, cred: Credential) -> None:
    """Say once per run which variable goes to which host: its name, never its value."""
    if cred.key:
        line = f"{block}: sending ${cred.var} to {host(cred.url)}"
    else:
        line = (
            f"{block}: sending no API key to {host(cred.url)} (if it needs one, name the "
            f"variable holding it in {block}.api_key_env in topic.yaml)"
        )
    with _announced_lock:
        if line in _announced:
            return
        _announced.add(line)
    log.info(line)


def key_hint(cred: Credential, block: str) -> str:
    """What to check when a server refuses the key it got, or wanted one."""
    if cred.key:
        return f"check ${cred.var} (environment or .env)"
    return (
        f"the server at {host(cred.url)} wants an API key: put it in a variable of your "
        f"own (e.g. in .env) and name that variable in {block}.api_key_env in topic.yaml"
    )
