"""Decide each path claim: there, not a claim after all, or dead (and maybe moved)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Set
from dataclasses import dataclass
from typing import TYPE_CHECKING

from steeringsync.claims.model import PathClaim
from steeringsync.claims.repo import RepoIndex
from steeringsync.claims.shapes import is_generated

if TYPE_CHECKING:
    from steeringsync.project import Project
    from steeringsync.steering.document import SteeringDoc


@dataclass(frozen=True)
class Dead:
    claim: PathClaim
    moved: tuple[str, ...]  # where it may be now; exactly one: unambiguous
    from_history: bool = False  # git recorded the rename

    @property
    def suggestion(self) -> str | None:
        return self.moved[0] if len(self.moved) == 1 else None

    def replacement(self) -> str | None:
        """The text ``sync`` writes instead of the claim: the new path, relative to the
        base the claim was read from when it still lies under that base."""
        new = self.suggestion
        if new is None or not self.claim.rewritable:
            return None
        lone_folder = "/" not in self.claim.text.rstrip("/") and self.claim.text.endswith("/")
        if lone_folder and not self.from_history:
            return None  # one folder name (`services/`) is a hint, not an address
        base = self.claim.bases[0] if self.claim.bases else ""
        # a listing under its section's folder, a command after `cd dir`: keep it relative
        relative = self.claim.kind in ("listing", "command")
        if base and new.startswith(base.rstrip("/") + "/") and relative:
            return new[len(base.rstrip("/")) + 1 :]
        return new


def candidates(claim: PathClaim) -> list[str]:
    return [posixpath.join(base, claim.text) if base else claim.text for base in claim.bases]


def judge(
    claim: PathClaim,
    index: RepoIndex,
    *,
    conventions: bool = False,
    folders: Set[str] = frozenset(),
    all_folders: Set[str] = frozenset(),
) -> Dead | None:
    """None when the path is there or is no claim at all; a :class:`Dead` otherwise."""
    paths = candidates(claim)
    if any(index.exists(p) for p in paths):
        return None
    name = claim.text.rstrip("/").rpartition("/")[2]
    if claim.by_name and index.anywhere(
        name + ("/" if claim.text.endswith("/") else ""), kiro=True
    ):
        return None  # `config.py` in running prose: the reader finds it by name
    if claim.by_name and index.anywhere(name, kiro=True):
        return None
    if any(is_generated(p) or index.ignored(p) for p in paths):
        return None
    first = claim.text.split("/", 1)[0]
    has_extension = "." in name.lstrip(".")
    bare = not claim.text.endswith("/") and not has_extension and claim.kind != "tree"
    # `js/api`, `feature/login`: a path only when its first folder is there
    if bare and not any(
        index.is_dir(posixpath.join(b, first) if b else first) for b in claim.bases
    ):
        return None
    # `utils/retry.py` in docs about `backend/` is backend/app/utils/retry.py: in prose,
    # any doc's folders count (Kiro reads them together); a listing or table names its
    # place, so only folders its own doc names count there
    named = all_folders if claim.kind == "inline" else folders
    # a folder's one name in a listing (`routes/` and `admin/routes/`) says too little
    specific = has_extension or "/" in claim.text.rstrip("/") or claim.kind == "inline"
    implied = claim.kind in ("inline", "listing") and not claim.bases[0] and specific
    if implied and named and _under_named_folder(claim, index, named):
        return None
    if conventions and not _anchored(claim, index):
        return None  # a standards doc's `cmd/`, `internal/`: the layout it recommends
    index.load_renames()
    moved: list[str] = []
    # a tree under a folder that is there gives each entry's whole path: `environments/`
    # in a `terraform/` tree is `terraform/environments/`, not any `environments/`
    drawn = paths[:1] if claim.kind == "tree" and claim.bases[0] else paths
    for path in drawn:
        moved.extend(m for m in index.moved_to(path) if m not in moved)
    single = "/" not in claim.text.rstrip("/")
    same_named = index.anywhere(name + ("/" if claim.text.endswith("/") else ""))
    # git saw this very path move: it was there, whatever else shares its name
    history = any(index.renamed(p.strip("/")) is not None for p in paths)
    if (
        not history
        and claim.kind != "tree"
        and (len(moved) > 1 or (single and len(same_named) > 1))
    ):
        # `tests/` with `backend/tests/` and `frontend/tests/`: the doc speaks of each
        # package's own folder, as monorepo docs do
        return None
    return Dead(claim, tuple(moved), history)


def _under_named_folder(claim: PathClaim, index: RepoIndex, folders: Set[str]) -> bool:
    text = claim.text
    name = text.rstrip("/").rpartition("/")[2] + ("/" if text.endswith("/") else "")
    tail = "/" + text
    for hit in index.anywhere(name):
        if ("/" + hit).endswith(tail) and any(hit.startswith(f + "/") for f in folders):
            return True
    return False


def _anchored(claim: PathClaim, index: RepoIndex) -> bool:
    """Whether the path hangs off a folder that is there (or came from a section about one)."""
    if claim.bases[0]:
        return True
    first = claim.text.split("/", 1)[0]
    return "/" in claim.text.rstrip("/") and index.is_dir(first)


_CONVENTIONS_RE = re.compile(
    r"standard|convention|guideline|best[-_]?practice|style|pattern|template|rules|skill",
    re.IGNORECASE,
)


_STANDARDS_TITLE_RE = re.compile(r"\bstandards?\b|\bbest practices\b|^template$", re.IGNORECASE)
_TEMPLATE_DOC_RE = re.compile(r"\bcustomi[sz]e\s+this\s+(?:file|doc|document|template)\b", re.I)


def is_conventions_doc(doc_path: str, title: str = "") -> bool:
    """A doc of general standards (`python-standards.md`, or titled "Component Library
    Standards"): its layouts are advice."""
    named = _CONVENTIONS_RE.search(posixpath.basename(doc_path))
    # a title says less than a file name: "Project Architecture Guidelines" is often this
    # project's own; "Frontend Architecture Standards" is a standard copied in
    return bool(named or _STANDARDS_TITLE_RE.search(title))


def doc_title(doc: SteeringDoc) -> str:
    """The doc's front-matter `title`, else its first level-1 heading; "template" when
    the doc says it is one to customise ("CUSTOMIZE THIS FILE for each engagement")."""
    if _TEMPLATE_DOC_RE.search(doc.text[:2000]):
        return "template"
    data = doc.front_matter.data if doc.front_matter is not None else None
    if isinstance(data, dict) and isinstance(data.get("title"), str):
        return str(data["title"])
    return next((h.text for h in doc.headings if h.level == 1), "")


def dead_paths(doc: SteeringDoc, project: Project, *, commands: bool = False) -> list[Dead]:
    """The doc's dead path claims (SS306's and, for commands, SS307's), a gone tree
    folder once rather than once per entry under it; with ``commands``, only the
    commands' (SS307 without SS306 need not judge, nor ask git about, every listing)."""
    if commands:
        found = _dead(doc, project, commands=True)
        # a dead folder's new place may come from the other claims under it
        if not any(d.claim.text.endswith("/") and d.suggestion is None for d in found):
            return [_moved_with_its_parts(d, found) for d in found]
        return [d for d in dead_paths(doc, project) if d.claim.kind == "command"]
    dead = _dead(doc, project, commands=False)
    return [_moved_with_its_parts(d, dead) for d in dead]


def _dead(doc: SteeringDoc, project: Project, *, commands: bool) -> list[Dead]:
    from steeringsync.claims.extract import claims_of, named_folders

    index = RepoIndex.of(project)
    claims = claims_of(doc, index)
    conventions = is_conventions_doc(project.relative(doc.path), doc_title(doc))
    every = named_folders(project.docs, index)
    dead: list[Dead] = []
    gone_folders: list[str] = []
    for claim in claims.paths:
        if commands and claim.kind != "command":
            continue
        if claim.kind == "tree" and any(claim.text.startswith(d) for d in gone_folders):
            continue
        found = judge(
            claim, index, conventions=conventions, folders=claims.folders, all_folders=every
        )
        if found is None:
            continue
        if claim.kind == "tree" and claim.text.endswith("/"):
            gone_folders.append(claim.text)
        dead.append(found)
    return dead


def _moved_with_its_parts(folder: Dead, dead: list[Dead]) -> Dead:
    """A dead folder with no one new place, whose parts the doc also names and which all
    moved to one folder of its name: `security/` when `security/core/` and
    `security/validation/` are now under `app/core/security/`."""
    text = folder.claim.text
    if not text.endswith("/") or folder.suggestion is not None:
        return folder
    places = set()
    for part in dead:
        inner = part.claim.text
        new = part.suggestion
        if new is None or inner == text or not inner.startswith(text):
            continue
        if part.claim.bases[:1] != folder.claim.bases[:1]:
            continue
        below = inner[len(text) :].rstrip("/")
        if not ("/" + new.rstrip("/")).endswith("/" + below):
            return folder  # a part moved without keeping its place under the folder
        places.add(new.rstrip("/")[: -len(below)])
    if len(places) != 1:
        return folder
    place = places.pop()
    if posixpath.basename(place.rstrip("/")) != posixpath.basename(text.rstrip("/")):
        return folder
    return Dead(folder.claim, (place.rstrip("/") + "/",), folder.from_history)
