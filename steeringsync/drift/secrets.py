"""Mask secret values before they reach any output, and spot values that look secret.

A value is masked when its setting's name says it is a secret (any word of the name,
split at ``_ - .`` and camelCase, is a secret word: ``DB_PASSWORD``, ``GITHUB_PAT``,
``STRIPE_SK``, ``dbPassword``, ``SECRETKEY``), and whatever its name when the value
itself looks like one: a known token format (``ghp_``, ``sk-``, ``xoxb-``, ``AKIA…``, a
JWT, a PEM private key), credentials in a URL (user, password, query), a key=value DSN
password, or a webhook URL.
"""

from __future__ import annotations

import re

MASK = "****"
# whole words of a setting name that mark it as a secret
_SECRET_WORDS = frozenset(
    {
        "PASSWORD", "PASSWORDS", "PASSWD", "PASS", "PWD", "PASSPHRASE", "SECRET", "SECRETS",
        "TOKEN", "TOKENS", "KEY", "KEYS", "APIKEY", "CREDENTIAL", "CREDENTIALS", "CREDS",
        "PRIVATE", "AUTH", "BEARER", "PAT", "SK", "DSN", "CONN", "CONNSTR", "WEBHOOK",
        "WEBHOOKS", "SALT",
    }
)  # fmt: skip
# word parts glued to another word (`DBPASSWORD`, `SECRETKEY`, `ACCESSTOKEN`); not
# `TOKENIZER` nor `KEYBOARD`
_SECRET_SUFFIXES = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "CREDENTIALS", "AUTH")
_SECRET_PREFIXES = ("PASSWORD", "PASSWD", "SECRET", "PRIVATEKEY", "CREDENTIAL", "APIKEY")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[_.\-\s]+")

# tokens recognisable by their shape, whatever the setting is called
_TOKEN = re.compile(
    r"\b(?:"
    r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_\-]{16,}"
    r"|sk-[A-Za-z0-9_\-]{16,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"
    r"|xox[abposr]-[A-Za-z0-9\-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16}|AIza[0-9A-Za-z_\-]{30,}"
    r"|npm_[A-Za-z0-9]{30,}|pypi-[A-Za-z0-9_\-]{30,}|hf_[A-Za-z0-9]{30,}"
    r"|SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"
    r"|eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"
    r")|-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
# scheme://userinfo@ : userinfo runs to the last `@` of the word, so a password with a
# `/` or `@` in it (unencoded, as people write them) is still all masked
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<rest>[^\s'\"<>`]*)")
_QUERY_PARAM = re.compile(r"(?P<head>[?&;](?P<name>[A-Za-z0-9_.\-]+)=)(?P<value>[^&#;\s'\"`]*)")
_QUERY_SECRETS = frozenset({"SIG", "SIGNATURE", "CODE", "APIKEY", "ACCESSTOKEN", "AUTH"})
# `password=…` / `Pwd=…;` in key=value connection strings (libpq, ODBC, JDBC)
_KV_SECRET = re.compile(
    r"(?i)(?P<head>\b(?:password|passwd|pwd|pass|secret|token|api[_-]?key|auth)\s*[=:]\s*)"
    r"(?P<value>[^\s;&,'\"`]+)"
)
_WEBHOOK_HOSTS = (
    "hooks.slack.com",
    "discord.com/api/webhooks",
    "discordapp.com/api/webhooks",
    "webhook.office.com",
    "hooks.zapier.com",
)


def _words(key: str) -> list[str]:
    return [w.upper() for w in _SPLIT.split(_CAMEL.sub("_", key)) if w]


def is_secret(key: str) -> bool:
    """``DB_PASSWORD``, ``SECRET_KEY``, ``GITHUB_PAT``, ``dbPassword``: but not
    ``KEYBOARD_LAYOUT`` or ``TOKENIZER_MODEL``."""
    words = _words(key)
    if any(w in _SECRET_WORDS for w in words):
        return True
    joined = "".join(words)
    return any(w.endswith(_SECRET_SUFFIXES) or w.startswith(_SECRET_PREFIXES) for w in words) or (
        joined.endswith(_SECRET_SUFFIXES)
    )


def _mask_url(match: re.Match[str]) -> str:
    scheme, rest = match.group("scheme"), match.group("rest")
    at = rest.rfind("@")
    if at >= 0:
        user, colon, _ = rest[:at].partition(":")
        # a password hides behind the user; a user alone may itself be a token
        userinfo = f"{user}:{MASK}" if colon else MASK
        rest = userinfo + rest[at:]
    lowered = (scheme + rest).lower()
    if any(host in lowered for host in _WEBHOOK_HOSTS) or "/webhooks/" in lowered:
        host, slash, _ = rest.partition("/")
        return f"{scheme}{host}{slash}{MASK}" if slash else scheme + rest
    return scheme + _QUERY_PARAM.sub(_mask_param, rest)


def _mask_param(match: re.Match[str]) -> str:
    name = match.group("name")
    words = {*_words(name), name.replace("_", "").replace("-", "").upper()}
    if is_secret(name) or words & _QUERY_SECRETS:
        return match.group("head") + MASK
    return match.group(0)


def mask_url_credentials(value: str) -> str:
    """Credentials in URLs, key=value passwords and token-shaped words masked; other
    text unchanged (``redis://:hunter2@host`` -> ``redis://:****@host``)."""
    masked = _URL.sub(_mask_url, value) if "://" in value else value
    masked = _KV_SECRET.sub(lambda m: m.group("head") + MASK, masked)
    return _TOKEN.sub(MASK, masked)


def looks_secret(value: str) -> bool:
    """Whether the value holds something :func:`mask` would hide, whatever its name."""
    return mask_url_credentials(value) != value


def mask(key: str, value: str) -> str:
    """The value as it may be shown: fully masked for secret keys, secret parts always."""
    if is_secret(key) and value.strip():
        return MASK
    return mask_url_credentials(value)


def shown(key: str, value: str | None) -> str:
    """A value quoted for a message; ``None`` (no value) reads as "no default"."""
    if value is None:
        return "no default"
    if not value.strip():
        return "empty"
    return f"`{mask(key, value)}`"
