"""SS306: a repository path a steering doc names that is not there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from steeringsync.claims.prefilter import may_claim
from steeringsync.claims.rule import ClaimRule, span
from steeringsync.project import Project
from steeringsync.rules.base import Invalid
from steeringsync.steering.document import SteeringDoc
from steeringsync.types import Finding

if TYPE_CHECKING:
    from steeringsync.claims.model import PathClaim
    from steeringsync.claims.resolve import Dead

_DOC = "==> .kiro/steering/structure.md <==\n"


class DeadPath(ClaimRule):
    """
    ## What it does
    (Preview: runs only when selected by its code, `--select SS306` or `select =
    ["SS306"]`, until it meets the 90% precision bar on the development corpus; every
    one of its 95 findings there judged by hand: 81%, `benchmarks/precision/`.)

    Checks every repository path a steering doc names: in code spans of paragraphs, list
    items, tables and headings, and every entry of a directory-tree block (`├──`/`└──`
    or indented names; each entry's full path rebuilt from the tree, a tree drawing
    classes rather than files skipped). A path is looked up the way a reader would:
    from the folder the surrounding heading or list item is about (`### Core (`app/`)`
    then `` `core/` ``), from the repository root, and from the doc's own folder.

    Where the doc puts a thing matters only in a layout: a tree, or a list or table in a
    structure/architecture doc or section. There `- `session_config.py`` must be at the
    root (or in the section's folder, also when a heading names it without a code span:
    `## Core Modules (src/)`). Elsewhere a bare file name (`edit `config.py``, a "Files
    to Modify" list, a spec's `tasks.md`) is looked up by name, and a path written
    relative to a folder some steering doc names (`utils/retry.py` in docs about
    `backend/`) is found under it. A tree rooted at a folder that is not at the root
    (`store/`) is drawn from the one folder of that name, or the one holding most of its
    entries (`src/harbor/store/`); a list of folders after a package's tree may name the
    package's parts.

    Not claims, never reported: placeholders (`<name>`, `{id}`, `xxx`, `...`,
    `MMdd_HH_mm_x.js`, `path/to/x`), globs, URLs, paths outside the repository
    (`~/.zshrc`, `/etc/hosts`, "Kiro's `settings.json`", a tree under `/tmp/...`),
    paths the sentence tells the reader to create, forbids, puts in the past or
    supposes ("add `src/new_service.py`", "never `requirements.txt`", "no longer in
    `x/`", "if a monorepo has `landing/`"; also in Portuguese, Spanish, French, German,
    Russian), gives as an example or convention ("e.g. `src/x.py`", "place static files
    in `assets/`"), lists introduced as generated ("Generated files:"), sections about
    adding, naming, migrating or dependencies, tree entries marked "(if needed)",
    "optional" or "planned", template trees (`project-root/`, `my-project/`, `<name>/`),
    labels (`Shared:`) and arrow flows drawn like trees, layouts in general standards
    docs (`python-standards.md`, a doc titled "... Standards" or saying "customize this
    file") that do not hang off a folder of this repository, a folder every package of
    a monorepo has (`tests/` with `backend/tests/` and `frontend/tests/`), and generated
    or git-ignored outputs (`dist/`, `.env`, `node_modules/`, `*.log`).

    When the file or folder exists elsewhere, the message says where: a git rename
    (followed to the latest; a folder moved when its files kept their names under one
    folder of its name), else a unique match on its trailing path or on its name under a
    new date-time stamp, or for a folder the one place the parts the doc names went
    (`security/core/` now `app/core/security/core/`: `security/` is `app/core/security/`);
    `steeringsync sync` then rewrites the path in the doc.

    ## Why is this bad?
    An agent reads the doc on every task and goes where it says: a structure doc that
    still describes the layout from before a move sends it to files that are not there,
    and it will often create them anew.

    ## Example
    ```markdown
    ### Session management
    - `session_config.py`: session configuration
    ```
    after `session_config.py` moved to `app/core/session/config/`.

    ## Use instead
    ```markdown
    ### Session management
    - `app/core/session/config/session_config.py`: session configuration
    ```

    ## Fix safety
    `steeringsync sync` rewrites a moved path when its new location is unambiguous,
    changing only the path's characters (`sync --diff` shows it first). Tree entries and
    paths that are gone are left for you. Suppress a line with `<!-- noqa: SS306 -->`.
    """

    preview = True

    code = "SS306"
    name = "dead-path"
    summary = "Path or tree entry in a steering doc that does not exist in the repository"
    VALID = (
        _DOC + "### Core (`app/`)\n- `core/`: the core\n- `main.py`: entry\n"
        "==> app/core/x.py <==\n==> app/main.py <==\n",
        _DOC + "```\nproj/\n├── src/\n│   └── app.py\n└── README.md\n```\n"
        "==> src/app.py <==\n==> README.md <==\n",
        _DOC + "Add `src/new_service.py` for each service, e.g. `src/users.py`.\n"
        "Never commit `.env` or `dist/`; see `~/.zshrc`, `<name>.py`, `tests/test_*.py`.\n",
        _DOC + "Edit `settings.py` to change defaults.\n==> app/settings.py <==\n",
        _DOC + "Logs go to `output/run.log`.\n==> .gitignore <==\noutput/\n",
    )
    INVALID = (
        Invalid(_DOC + "- `services/`: business logic\n- `app.py`: entry\n==> app.py <==\n"),
        Invalid(
            _DOC + "- `session_config.py`: config\n==> app/core/session_config.py <==\n",
        ),
        Invalid(
            _DOC
            + "```\n.\n├── src/\n│   ├── app.py\n│   └── gone.py\n└── old/\n    └── x.py\n```\n"
            "==> src/app.py <==\n",
            count=2,
        ),
        Invalid(_DOC + "All API calls go through `js/api/`.\n==> js/services/api.ts <==\n"),
    )

    def check_doc(self, doc: SteeringDoc, project: Project) -> Iterable[Finding]:
        if not may_claim(doc):
            return
        from steeringsync.claims.resolve import dead_paths

        for dead in dead_paths(doc, project):
            claim = dead.claim
            if claim.kind != "command":  # SS307 reports commands
                where = span(claim.line, claim.column, written(claim))
                yield self.finding(doc.path, where, message(dead))


def written(claim: PathClaim) -> str:
    """The claim's text as it stands on its line (a tree entry shows its last part)."""
    if claim.kind == "tree":
        return claim.text.rstrip("/").rpartition("/")[2]
    return claim.text


def message(dead: Dead) -> str:
    text = dead.claim.text
    if dead.suggestion is not None:
        return f"`{text}` does not exist; moved to `{dead.suggestion}`?"
    if dead.moved:
        shown = ", ".join(f"`{m}`" for m in dead.moved[:3])
        more = f" and {len(dead.moved) - 3} more" if len(dead.moved) > 3 else ""
        return f"`{text}` does not exist; now one of {shown}{more}?"
    base = dead.claim.bases[0] if dead.claim.bases else ""
    return f"`{text}` does not exist" + (f" (looked in `{base}/` and the root)" if base else "")
