"""Azure OpenAI, both ways Azure serves it:

- the v1 endpoint, `https://RES.openai.azure.com/openai/v1`: the OpenAI client as is, the
  model being the deployment name;
- a classic deployment, `https://RES.openai.azure.com` (or `…/openai/deployments/NAME`):
  the SDK's AzureOpenAI client, which calls `/openai/deployments/NAME/chat/completions`
  with `?api-version=` and the key in an `api-key` header.

The key (AZURE_OPENAI_API_KEY) goes only to the person's own endpoint, AZURE_OPENAI_ENDPOINT
(see secrets.AZURE); llm.base_url may name it too, or another resource with llm.api_key_env.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

import openai

from pipeline import secrets
from pipeline.errors import ConfigError, ProviderError
from pipeline.providers.llm import openai_provider
from pipeline.providers.llm.openai_provider import OpenAIProvider

API_VERSION = "2024-10-21"  # the GA version with structured outputs
DEPLOYMENT = re.compile(r"/openai/deployments/([^/]+)")


@dataclass(frozen=True)
class Target:
    """Where an Azure call goes: the resource, and a deployment (classic) or the v1 API."""

    resource: str  # https://RES.openai.azure.com
    v1: bool
    deployment: str | None = None


class AzureProvider(OpenAIProvider):
    """Chat Completions on an Azure OpenAI resource (v1 or classic deployments)."""

    name = "azure"
    service = secrets.AZURE
    takes_completion_tokens = True

    @cached_property
    def target(self) -> Target:
        """The resource and deployment llm.base_url (or AZURE_OPENAI_ENDPOINT) names."""
        url = (self.cfg.base_url or self._env.get(self.service.url_var) or "").strip()
        where = "llm.base_url" if self.cfg.base_url else self.service.url_var
        if not url:
            raise ConfigError(
                "topic.yaml llm.provider is azure but no endpoint is set: put your resource's "
                "endpoint in AZURE_OPENAI_ENDPOINT (environment or .env), e.g. "
                "https://RES.openai.azure.com, with its key in AZURE_OPENAI_API_KEY"
            )
        parts = urlsplit(url)
        if parts.query or "?" in url:
            raise ConfigError(
                f"{where}: '{url}' holds a query ('?…'): give the resource endpoint alone "
                "(https://RES.openai.azure.com, or …/openai/v1) and the API version as "
                "llm.api_version in topic.yaml"
            )
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ConfigError(f"{where}: '{url}' is not an https:// URL of an Azure endpoint")
        resource = f"{parts.scheme}://{parts.netloc}"
        path = parts.path.rstrip("/")
        found = DEPLOYMENT.search(path)
        return Target(resource, path.endswith("/openai/v1"), found[1] if found else None)

    @property
    def endpoint(self) -> str:
        t = self.target
        if t.v1:
            return f"{t.resource}/openai/v1"
        version = self.cfg.api_version or API_VERSION
        return f"{t.resource}/openai/deployments/{t.deployment or self.cfg.model}?{version}"

    @cached_property
    def credential(self) -> secrets.Credential:
        cred = secrets.credential(
            self.service, "llm", self.cfg.base_url, self.cfg.api_key_env, self._env
        )
        if cred.key is None:
            raise ProviderError(
                f"no key for the Azure endpoint {secrets.host(cred.url)}: set "
                "AZURE_OPENAI_API_KEY (environment or .env) with AZURE_OPENAI_ENDPOINT pointing "
                "at the same resource, or name the variable holding its key in "
                "llm.api_key_env in topic.yaml"
            )
        secrets.announce("llm", cred)
        return cred

    @cached_property
    def client(self) -> openai.OpenAI:
        t, key = self.target, self.credential.key
        if t.v1:
            return openai.OpenAI(
                api_key=key,
                base_url=f"{t.resource}/openai/v1/",
                max_retries=0,
                timeout=self.timeout_s,
                http_client=openai_provider.http_client(),
            )
        return openai.AzureOpenAI(
            api_key=key,
            azure_endpoint=t.resource,
            azure_deployment=t.deployment,
            api_version=self.cfg.api_version or API_VERSION,
            max_retries=0,
            timeout=self.timeout_s,
            http_client=openai_provider.http_client(),
        )

    def not_found(self) -> str:
        t = self.target
        name = t.deployment or self.cfg.model
        return (
            f"no deployment '{name}' on {secrets.host(t.resource)}: llm.model is the "
            "deployment's name (Azure portal → the resource → Deployments), not the "
            "model's; for a classic endpoint also check llm.api_version"
        )
