"""OpenAI's documented request rules, as the test server enforces them.

- Structured outputs, strict mode: the root is an object; every object lists all its
  properties in `required` and sets `additionalProperties: false`; only the supported
  keywords appear (docs: "Supported schemas" of the Structured Outputs guide).
- Reasoning models (o-series, gpt-5 family) reject `max_tokens` (they take
  `max_completion_tokens`) and any temperature or top_p but the default.
- An output limit above the model's cap, or a prompt past the context window, is a 400.
"""

from __future__ import annotations

import re

SUPPORTED = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "anyOf",
    "$ref",
    "$defs",
    "description",
    "title",
    "pattern",
    "format",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "minItems",
    "maxItems",
}
REASONING = re.compile(r"^(o\d|gpt-5)")
CAPS = {"gpt-4o-mini": 16_384, "gpt-4o": 16_384, "gpt-5-mini": 128_000, "gpt-5": 128_000}


def schema_problems(schema: dict) -> list[str]:
    """What breaks strict mode in a `json_schema.schema` (empty when it is fine)."""
    problems = [] if schema.get("type") == "object" else ["the root must be an object"]
    _walk(schema, "$", problems)
    return problems


def _walk(node, where: str, problems: list[str]) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _walk(item, f"{where}[{i}]", problems)
        return
    if not isinstance(node, dict):
        return
    for key in node:
        if key not in SUPPORTED:
            problems.append(f"{where}: '{key}' is not supported in strict mode")
    if node.get("type") == "object":
        props = node.get("properties", {})
        if node.get("additionalProperties") is not False:
            problems.append(f"{where}: additionalProperties must be false")
        if sorted(node.get("required", [])) != sorted(props):
            problems.append(f"{where}: every property must be required")
    for key, value in node.items():
        if key in ("properties", "$defs"):
            for name, sub in value.items():
                _walk(sub, f"{where}.{name}", problems)
        elif key in ("items", "anyOf"):
            _walk(value, f"{where}.{key}", problems)


def request_error(body: dict) -> dict | None:
    """The 400 OpenAI answers for this request body, or None when it is acceptable."""
    model = body.get("model", "")
    fmt = (body.get("response_format") or {}).get("json_schema")
    if fmt is not None:
        problems = schema_problems(fmt.get("schema") or {})
        if problems:
            return _error(
                f"Invalid schema for response_format '{fmt.get('name')}': " + "; ".join(problems),
                "response_format",
                "invalid_json_schema",
            )
    if REASONING.match(model):
        if "max_tokens" in body:
            return _error(
                "Unsupported parameter: 'max_tokens' is not supported with this "
                "model. Use 'max_completion_tokens' instead.",
                "max_tokens",
                "unsupported_parameter",
            )
        for name in ("temperature", "top_p"):
            if name in body and body[name] != 1:
                return _error(
                    f"Unsupported value: '{name}' does not support {body[name]} "
                    "with this model. Only the default (1) value is supported.",
                    name,
                    "unsupported_value",
                )
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    cap = CAPS.get(model)
    if cap and limit and limit > cap:
        param = "max_completion_tokens" if "max_completion_tokens" in body else "max_tokens"
        return _error(
            f"max_tokens is too large: {limit}. This model supports at most {cap} "
            f"completion tokens, whereas you provided {limit}.",
            param,
            "invalid_value",
        )
    return None


def _error(message: str, param: str, code: str) -> dict:
    return {
        "status": 400,
        "message": message,
        "param": param,
        "code": code,
        "type": "invalid_request_error",
    }
