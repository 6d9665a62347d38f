"""What a reader takes for a repository path, and what is never a claim."""

from __future__ import annotations

import pytest

from steeringsync.claims.shapes import is_generated, path_shape


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("app/core/session.py", "app/core/session.py"),
        ("./scripts/run.sh", "scripts/run.sh"),
        ("security/core/", "security/core/"),
        ("tests/test_api.py::test_login", "tests/test_api.py"),
        ("src/app.py:42", "src/app.py"),
        ("Makefile", "Makefile"),
        ("js/api", "js/api"),
        ("session_config.py", "session_config.py"),
    ],
)
def test_paths(text: str, path: str) -> None:
    assert path_shape(text) == path


@pytest.mark.parametrize(
    "text",
    [
        "<name>.py", "src/{id}.json", "xxx/file.py", "src/.../x.py", "tests/test_*.py",
        "**/*.tsx", "https://example.com/a.py", "~/.zshrc", "/etc/hosts", "../outside.py",
        "path/to/file.py", "script.py", "a1b2c3d4e5f6.json", "Node.js", "v1.2.3",
        "CI/CD", "read write.py", "KEY=value.py", "--config", ".plan.md",
        "my_project/app.py", "example.com", "$HOME/x.py", "os.path", "README",
    ],
)  # fmt: skip
def test_not_claims(text: str) -> None:
    assert path_shape(text) is None


@pytest.mark.parametrize(
    ("path", "generated"),
    [
        ("dist/", True), ("node_modules/react", True), (".env", True), (".env.local", True),
        ("logs/app.log", True), ("build/index.js", True), ("src/app.py", False),
        ("docs/build.md", False),
    ],
)  # fmt: skip
def test_generated_outputs(path: str, generated: bool) -> None:
    assert is_generated(path) is generated
