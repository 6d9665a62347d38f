"""SS309: joined fileMatchPattern globs as users see them, shaped after the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from steeringsync.config import Config
from steeringsync.project import Project
from steeringsync.rules.base import Invalid
from steeringsync.rules.ss309_joined_file_match_pattern import JoinedFileMatchPattern
from steeringsync.steering.document import parse_bytes
from steeringsync.types import Severity
from tests.rules._doc_helpers import Tree, run_doc_rule


def doc(value: str, inclusion: str = "fileMatch") -> dict[str, str]:
    front = f"---\ninclusion: {inclusion}\nfileMatchPattern: {value}\n---\n# Doc\n"
    return {".kiro/steering/d.md": front}


@pytest.mark.parametrize(
    ("value", "glue", "globs"),
    [
        # arjunlatiwala-creole/AEROSTACK: nine name globs in one string
        (
            '"*deploy*,*stack*,*template*,*post-deploy*,*upgrade*"',
            "commas",
            '["*deploy*", "*stack*", "*template*", "*post-deploy*", "*upgrade*"]',
        ),
        # dedyoc/vibe: globs joined with `|` as in a regular expression
        ("'*test*|test_*'", "`|`", '["*test*", "test_*"]'),
        # instigator24/Archon: path globs
        (
            "'packages/isolation/**/*.ts,packages/git/**/*.ts'",
            "commas",
            '["packages/isolation/**/*.ts", "packages/git/**/*.ts"]',
        ),
    ],
)
def test_message_says_what_kiro_does_and_what_to_write(
    write_tree: Tree, value: str, glue: str, globs: str
) -> None:
    ((name, line, message),) = run_doc_rule(JoinedFileMatchPattern, write_tree, doc(value))
    assert (name, line) == ("d.md", 3)
    assert f"joins globs with {glue}: Kiro reads it as one glob, which matches no file" in message
    assert "this doc is never included" in message
    assert message.endswith(f"write a YAML list: {globs}")


def test_each_joined_list_element_is_reported_at_its_line(write_tree: Tree) -> None:
    value = "\n  - 'a/*.py'\n  - 'b/*.py,c/*.py'\n  - '**/*.{ts,tsx}'\n  - 'd|e'"
    found = run_doc_rule(JoinedFileMatchPattern, write_tree, doc(value))
    assert [(line, msg.split("`")[1]) for _, line, msg in found] == [
        (5, "b/*.py,c/*.py"),
        (7, "d|e"),
    ]
    # the doc may still load through `a/*.py`: SS305 judges that, SS309 does not claim it
    assert all("only the list's other items can load the doc" in m for _, _, m in found)
    (only,) = run_doc_rule(JoinedFileMatchPattern, write_tree, doc("['x/*,y/*']"))
    assert "so this doc is never included" in only[2]


def test_under_another_mode_it_is_a_latent_warning(write_tree: Tree) -> None:
    # corpus: Constannnnnt/Penguin-Studio `inclusion: always` + `'*.tsx,*.jsx,*react*'`
    for inclusion in ("always", "manual", "auto"):
        root = write_tree(doc("'*.tsx,*.jsx'", inclusion))
        project = Project(root, Config())
        (finding,) = [
            f for d in project.docs for f in JoinedFileMatchPattern().check_doc(d, project)
        ]
        assert finding.severity is Severity.WARNING and finding.fixable
        assert "once the doc is `inclusion: fileMatch`" in finding.message


@pytest.mark.parametrize("example", JoinedFileMatchPattern.INVALID, ids=lambda e: e.source[:60])
def test_embedded_invalid_examples_fix_to_their_fixed_text(example: Invalid) -> None:
    rule = JoinedFileMatchPattern()
    findings = rule.check_example(example.source)
    data = example.source.encode()
    fixed = rule.fix_doc(parse_bytes(Path("x.md"), data), data, findings)
    if example.fixed is not None:
        assert fixed.decode() == example.fixed
    assert rule.check_example(fixed.decode()) == []
