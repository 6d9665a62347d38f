"""Configuration drift: settings documented in steering docs against code defaults and env files."""
