"""Property: no Markdown or front matter, however odd, makes the parser or a doc rule raise."""

from __future__ import annotations

import contextlib

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.rules import ALL_RULES
from steeringsync.rules.base import DocFixError, DocRule
from steeringsync.rules.ss1xx_declared_deprecation import make_rule
from steeringsync.steering import declarations, frontmatter, markers
from steeringsync.steering.document import load, parse_text
from steeringsync.types import Applicability

KEYS = ["inclusion", "fileMatchPattern", "name", "description", "deprecations", "include", "x"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=20),
    st.sampled_from(
        ["always", "fileMatch", "manual", "auto", "**/*.{py,md}", "a/*.py, b/**", "a.b", "{"]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["pattern", "replacement", "message", "k"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)
FRONT_MATTER = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)
    ),
    st.text(max_size=60),  # arbitrary, mostly invalid YAML
)
LINE = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "# Heading ❌",
            "## Before (Deprecated)",
            "**After:**",
            "```python",
            "```",
            "~~~",
            "| a | b |",
            "|---|---|",
            "| [x](y.md#z) | #[[file:q.py]] |",
            "[l](#anchor)",
            "![i](../img.png)",
            "<a id='x'></a>",
            "    indented code",
            "> quote",
            "- item",
            "with unified_session_manager.get_db_session() as s:",
            "    s.query(M)",
            "legacy.get_client()",
            "x = (",
            ">>> 1",
            "...",
            "[a](<b c.md>)",
            "#[[file:]]",
            "[bad](%zz)",
            "[deep](" + "../" * 40 + "x.md)",
            "\x00",
            "\u202e\u05d0\u05d1",
        ]
    ),
)


def _doc_text(front: str | None, lines: list[str], newline: str, bom: bool) -> str:
    body = newline.join(lines)
    text = f"---{newline}{front}{newline}---{newline}{body}" if front is not None else body
    return ("\ufeff" if bom else "") + text


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("repo")
    (root / ".git").mkdir()
    (root / "app").mkdir()
    (root / "app" / "x.py").write_text("x = 1\n")
    steering = root / ".kiro" / "steering"
    steering.mkdir(parents=True)
    (steering / "seed.md").write_text("---\ndeprecations:\n  - pattern: legacy.get_client\n---\n")
    return Project(root, Config())


DOC_RULES = [rule() for rule in ALL_RULES if issubclass(rule, DocRule)]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    front=st.one_of(st.none(), FRONT_MATTER),
    lines=st.lists(LINE, max_size=25),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
)
def test_parser_and_doc_rules_never_raise(
    project: Project, front: str | None, lines: list[str], newline: str, bom: bool
) -> None:
    path = project.steering_dir / "generated.md"
    text = _doc_text(front, lines, newline, bom)
    doc = parse_text(path, text)
    frontmatter.validate(doc)
    for block, following in zip(doc.code_blocks, [*doc.code_blocks[1:], None], strict=False):
        markers.is_marked(block, following)
    for rule in DOC_RULES:
        found = list(rule.check_doc(doc, project))
        for finding in found:
            assert finding.location.line >= 1 and finding.message
        if found and rule.fix_applicability is not Applicability.NONE:
            data = text.encode("utf-8", errors="surrogatepass")
            # a doc fix either succeeds or says why; it never raises anything else
            with contextlib.suppress(DocFixError):
                rule.fix_doc(doc, data, found)
    for n, declaration in enumerate(declarations.declared_in(doc)):
        rule = make_rule(declaration, f"SS{101 + n}")
        rule.check_example("legacy.get_client()\n")


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300), prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"---\n"]))
def test_arbitrary_bytes_load_without_raising(project: Project, data: bytes, prefix: bytes) -> None:
    path = project.root / "bytes.md"
    path.write_bytes(prefix + data)
    doc = load(path)
    try:
        (prefix + data).decode("utf-8-sig")
    except UnicodeDecodeError:
        assert doc.decode_error is not None and doc.decode_error_line >= 1
    else:
        assert doc.decode_error is None
