"""Read every claim out of one parsed steering doc, with the folders a reader resolves it from.

Prose is read line by line outside code blocks and front matter: code spans in headings,
list items, table cells and paragraphs. A heading or list item naming a folder
(`### Core (`app/`)`, `- `src/`:`) makes that folder the base of what follows it, until a
heading of the same level or a list item as shallow. Code blocks give trees, commands
(shell blocks) and imports (Python blocks).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from steeringsync.claims import commands, trees
from steeringsync.claims.model import ModuleClaim, NameClaim, PathClaim, ScriptClaim
from steeringsync.claims.repo import RepoIndex
from steeringsync.claims.shapes import FILE_EXTENSIONS, is_placeholder, outside_repo, path_shape
from steeringsync.steering.document import CodeBlock, SteeringDoc

IsDir = Callable[[str], bool]

_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_HEADING_RE = re.compile(r"^(#{1,6})\s")
_ITEM_RE = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+")
# text before a path that makes it something to create or an example, not a claim
_NOT_A_CLAIM_RE = re.compile(
    r"\b(?:creat\w*|add(?:s|ing)?|new|generat\w*|touch|mkdir|will\s+(?:be|live|go)|"
    r"would|should\s+be|e\.g|eg|i\.e|for\s+example|for\s+instance|such\s+as|like|"
    r"named?|names|naming|convention|pattern|format|place|put|keep|store|define|"
    r"rename[ds]?\s+(?:to|from)|move[ds]?\s+to|"
    r"migrat\w*|instead\s+of|no\s+longer|removed|deleted|deprecated|legacy|old|formerly|"
    r"don'?t|never|avoid|not|output|writes?|save[ds]?|export\w*|produc\w*|emit\w*|"
    r"if|unless|whether|"  # a hypothetical: "if a monorepo has a root-level `landing/`"
    # the same in the languages of the corpus: never, don't, no, old (pt, es, fr, de, ru)
    r"nunca|jamais|não|nao|evit\w*|ne\s+pas|nicht|niemals|kein\w*|"
    r"никогда|не|нельзя|стар\w*)\b",
    re.IGNORECASE,
)
# `Kiro's `settings.json``, `the user's `config.json``: another program's or person's file
_POSSESSIVE_RE = re.compile(r"(?:\b[A-Z][\w.-]*|\buser)['\u2019]s\s+$")
_SECTION_NOT_A_CLAIM_RE = re.compile(
    r"\b(?:creat\w*|adding|new|examples?|templates?|naming|conventions?|patterns?|"
    r"migrat\w*|deprecated|legacy|history|changelog|roadmap|future|planned|todo|"
    r"dependenc\w*|libraries)\b",  # `ruamel.yaml` in "Core Dependencies" is a package
    re.IGNORECASE,
)
_STRUCTURE_RE = re.compile(
    r"structure|layout|director|folder|organi[sz]ation|architecture|tree|files|modules|"
    r"components",
    re.IGNORECASE,
)
# "Files to Modify", "Files changed": a task's list of files, each found by its name
_TASK_FILES_RE = re.compile(
    r"files?\s+(?:to\s+)?(?:modify|change|edit|update|touch|create|review)|"
    r"(?:modified|changed|affected|touched|updated)\s+files?|files?\s+(?:modified|changed|affected)",
    re.IGNORECASE,
)
# `## Core Modules (src/)`: a folder named in parentheses without a code span
_PAREN_FOLDER_RE = re.compile(r"\(([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*/)\)")
_NAME_RE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\.(?P<attr>[A-Za-z_][A-Za-z0-9_]*))?(?P<call>\(\))?$"
)
_CAMEL_RE = re.compile(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$")
# the last word of the classes a project writes itself (`RedisSessionManager`); a bare
# CamelCase word is as often a product, a tag or a TypeScript type
_CLASS_SUFFIX_RE = re.compile(
    r"(?:Manager|Service|Repository|Repo|Handler|Controller|Client|Provider|Factory|Adapter|"
    r"Processor|Generator|Store|Config|Settings|Router|Middleware|Helper|Builder|Validator|"
    r"Engine|Worker|Agent|Pipeline|Backend|Monitor|Tracker|Scheduler|Registry|Loader|Parser|"
    r"Checker|Orchestrator|Analyzer|Analyser|Collector|Dispatcher|Executor|Runner|Gateway|"
    r"Cache|Queue|Session|Detector|Extractor|Transformer|Calculator|Formatter|Renderer)$"
)


def _first_party_class(name: str) -> bool:
    return bool(_CAMEL_RE.match(name) and _CLASS_SUFFIX_RE.search(name))


@dataclass
class DocClaims:
    paths: list[PathClaim] = field(default_factory=list)
    # existing folders the doc names (`backend/`, a tree's top `scripts/`): a path the doc
    # writes relative to one of them (`utils/retry.py` for `backend/app/utils/retry.py`)
    # is one a reader finds
    folders: set[str] = field(default_factory=set)
    scripts: list[ScriptClaim] = field(default_factory=list)
    modules: list[ModuleClaim] = field(default_factory=list)
    names: list[NameClaim] = field(default_factory=list)
    # existing folders the doc's trees draw (`src/extended_data_types/`): a list of
    # folder names after the tree may speak of its parts
    tree_roots: set[str] = field(default_factory=set)


def extract(
    doc: SteeringDoc, root_rel: str, is_dir: IsDir, index: RepoIndex | None = None
) -> DocClaims:
    """The claims of ``doc``; ``root_rel`` is the doc's folder relative to the repository
    root, ``is_dir(path)`` says whether a repository folder exists (bases must);
    ``index`` finds a tree's root folder by its name."""
    found = DocClaims()
    command_out = commands.CommandClaims(found.paths, found.scripts, found.modules)
    lines = doc.text.split("\n")
    skip = _block_lines(doc)
    headings: list[tuple[int, str | None, bool]] = []  # level, base folder, not-a-claim
    items: list[tuple[int, str | None]] = []  # indent, base folder
    # indent, the item introduces things that are no claims ("Generated files:")
    leads: list[tuple[int, bool]] = []
    structure: list[tuple[int, bool]] = []  # level, heading is about the layout
    task_files: list[tuple[int, bool]] = []  # level, heading lists files a task touches
    structural_doc = bool(_STRUCTURE_RE.search(doc.path.name))
    for number, line in enumerate(lines, start=1):
        if number in skip or not line.strip():
            continue
        heading = _HEADING_RE.match(line)
        item = _ITEM_RE.match(line)
        if heading:
            level = len(heading.group(1))
            headings = [h for h in headings if h[0] < level]
            items = []
            leads = []
            parents = _bases(headings, [], "")
            folder = _folder(line, is_dir, parents)
            headings.append((level, folder, bool(_SECTION_NOT_A_CLAIM_RE.search(line))))
            structure = [h for h in structure if h[0] < level]
            layout = bool(_STRUCTURE_RE.search(line)) and not _TASK_FILES_RE.search(line)
            structure.append((level, layout))
            task_files = [t for t in task_files if t[0] < level]
            task_files.append((level, bool(_TASK_FILES_RE.search(line))))
        elif item:
            indent = len(item.group(1))
            items = [i for i in items if i[0] < indent]
            leads = [i for i in leads if i[0] < indent]
            parents = _bases(headings, items, "")
            items.append((indent, _folder(line[item.end() :], is_dir, parents, leading=True)))
            leads.append((indent, _not_a_claim_lead(line[item.end() :])))
        elif not line.startswith((" ", "\t")):
            items = []
            leads = []
        if any(h[2] for h in headings) or any(lead for _, lead in leads[:-1] if item):
            continue
        bases = _bases(headings, items[:-1] if item else items, root_rel)
        # a bare file name in a listing names its place only where the doc is about the
        # layout; elsewhere (`- `pr-checks.yml`: runs on PRs`) the reader finds it by name
        structural = structural_doc or any(h[1] for h in structure) or bases[0] != ""
        structural = structural and not any(t[1] for t in task_files)
        _spans(line, number, bases, bool(heading), structural, found, command_out)
    for block in doc.code_blocks:
        section_bases = _bases(_headings_at(doc, block.line, is_dir), [], root_rel)
        if _SECTION_NOT_A_CLAIM_RE.search(block.heading or "") or _SECTION_NOT_A_CLAIM_RE.search(
            block.lead
        ):
            continue
        if trees.is_tree(block):
            _tree(block, section_bases, is_dir, found, index)
        elif block.lang in commands.SHELL_LANGS:
            commands.from_shell_block(block.content, block.content_line, command_out)
        elif block.is_python:
            from steeringsync.claims.pynames import imports

            found.modules.extend(imports(block))
    if found.tree_roots:
        # `- `yaml_utils/`: YAML` under "Module Categories" after a tree of the package:
        # a part of the package when it is not at the root
        extra = tuple(sorted(found.tree_roots))
        found.paths = [
            dataclasses.replace(c, bases=(*c.bases, *[r for r in extra if r not in c.bases]))
            if c.kind == "listing" and c.text.endswith("/") and "/" not in c.text.rstrip("/")
            else c
            for c in found.paths
        ]
    for claim in found.paths:
        if claim.bases[0]:
            found.folders.add(claim.bases[0])
        folder = claim.text.rstrip("/")
        if claim.kind != "command" and is_dir(folder):
            found.folders.add(folder)
    return found


def _block_lines(doc: SteeringDoc) -> set[int]:
    skip: set[int] = set()
    if doc.front_matter is not None:
        skip.update(range(doc.front_matter.line, doc.front_matter.end_line + 1))
    for block in doc.code_blocks:
        end = block.content_line + block.content.count("\n") + (1 if block.closed else 0)
        skip.update(range(block.line, end + 1))
    return skip


def _folder(
    text: str, is_dir: IsDir, parents: tuple[str, ...] = ("",), *, leading: bool = False
) -> str | None:
    """The existing folder a heading or list item is about, from its first code span,
    looked up under the folders of the headings and items around it."""
    match = _SPAN_RE.search(text)
    written = match.group(2) if match is not None else None
    if match is None and not leading and (paren := _PAREN_FOLDER_RE.search(text)):
        written = paren.group(1)
    elif match is None or (leading and text[: match.start()].strip("*_ ")):
        return None
    assert written is not None
    shaped = path_shape(written)
    if shaped is None:
        return None
    folder = shaped.rstrip("/")
    for parent in parents:
        candidate = posixpath.join(parent, folder) if parent else folder
        if is_dir(candidate):
            return candidate
    return None


def _headings_at(doc: SteeringDoc, line: int, is_dir: IsDir) -> list[tuple[int, str | None, bool]]:
    stack: list[tuple[int, str | None, bool]] = []
    lines = doc.text.split("\n")
    for heading in doc.headings:
        if heading.line >= line:
            break
        stack = [h for h in stack if h[0] < heading.level]
        text = lines[heading.line - 1] if heading.line <= len(lines) else heading.text
        stack.append((heading.level, _folder(text, is_dir), False))
    return stack


def _bases(
    headings: list[tuple[int, str | None, bool]], items: list[tuple[int, str | None]], doc_dir: str
) -> tuple[str, ...]:
    folders: list[str] = []
    # folders are stored resolved (`- `app/`` then `  - `core/`` is `app/core`): the
    # nearest item's folder, then the headings' from the innermost out
    folders.extend(f for _, f in reversed(items) if f is not None)
    folders.extend(f for _, f, _ in reversed(headings) if f is not None)
    folders.append("")
    folders.append(doc_dir)
    return tuple(dict.fromkeys(folders))


def _spans(
    line: str,
    number: int,
    bases: tuple[str, ...],
    in_heading: bool,
    structural: bool,
    found: DocClaims,
    command_out: commands.CommandClaims,
) -> None:
    item = _ITEM_RE.match(line)
    body_start = item.end() if item else 0
    for match in _SPAN_RE.finditer(line):
        text = match.group(2).strip()
        start = match.start(2) + (len(match.group(2)) - len(match.group(2).lstrip()))
        before = line[:start]
        if before.endswith("[" + match.group(1)) or "](" in line[match.end() : match.end() + 2]:
            continue  # link text: SS302 checks the link itself
        if commands.starts_with_command(text):
            commands.from_line(text, number, start, "", command_out)
            continue
        if _NOT_A_CLAIM_RE.search(_clause(before)) or _NOT_A_CLAIM_RE.search(_label(before)):
            continue
        if _POSSESSIVE_RE.search(before.rstrip("`*_")):
            continue
        shaped = path_shape(text)
        if shaped is not None:
            leading = line[body_start:start].strip("*_ |`[") == ""
            after = line[match.end() :].lstrip("*_ ")
            # `- `store/`: the stores` lists a place; `- `store/` is the only layer that…`
            # is a sentence about a folder the reader knows from the docs' context
            described = not after or after[0] in ":-\u2013\u2014|(,/\u2192=>"
            listing = in_heading or (item is not None and leading and described) or "|" in before
            by_name = (not listing or not structural or in_heading) and "/" not in shaped
            # a list or table outside a layout section is prose: `pr-checks.yml` there
            # is a name to look up, not a place
            kind = "listing" if listing and structural else "inline"
            found.paths.append(PathClaim(shaped, number, start, bases, kind, by_name))
            continue
        name = _NAME_RE.match(text)
        if name and name.group("attr") and name.group("attr").lower() in FILE_EXTENSIONS:
            continue  # `PdfGenerator.ts`: a file name, not `Class.attribute`
        if name and not in_heading:
            attr, call = name.group("attr"), name.group("call")
            base = name.group("name")
            if (attr is not None and _CAMEL_RE.match(base)) or (
                attr is None and (_first_party_class(base) or (call and "_" in base))
            ):
                found.names.append(NameClaim(base, attr, number, start))


def _not_a_claim_lead(text: str) -> bool:
    """Whether a list item introduces its sub-items as things to create, generated
    outputs or examples: `4. **File format** - Generated files must be identical:`."""
    words = _SPAN_RE.sub("", text).rstrip(" *_")
    return words.endswith(":") and bool(_NOT_A_CLAIM_RE.search(words))


def _label(before: str) -> str:
    """The last words before a trailing colon: `Use descriptive test file names: `x``."""
    stripped = before.rstrip(" `*_")
    if not stripped.endswith(":"):
        return ""
    return " ".join(stripped[:-1].split()[-2:])


def _clause(before: str) -> str:
    """The words before a span in its own clause (after the last `.`, `;` or `:`)."""
    before = _SPAN_RE.sub("`…`", before)  # words inside other spans are names, not verbs
    before = re.sub(r"\b(e\.g|i\.e|etc)\.", r"\1", before, flags=re.IGNORECASE)
    cut = max(before.rfind(". "), before.rfind("; "), before.rfind(": "), before.rfind("|"))
    return before[cut + 1 :] if cut >= 0 else before


def _tree(
    block: CodeBlock,
    section_bases: tuple[str, ...],
    is_dir: IsDir,
    found: DocClaims,
    index: RepoIndex | None,
) -> None:
    listed = trees.entries(block)
    if not listed:
        return
    bases = section_bases
    first = listed[0]
    root = first.root_named
    if root is not None and root not in (".", "./"):
        written = root.rstrip("/") + "/"
        if outside_repo(written) or is_placeholder(written):
            return  # `/tmp/jobs/{id}/`, `project-root/`, `<name>/`: not this repository's
        shaped = path_shape(written)
        top = shaped.rstrip("/") if shaped else None
        if top and not is_dir(top) and index is not None:
            top = _tree_root(top, listed, index) or top
        if top and is_dir(top):
            bases = (top, *section_bases)
            found.folders.add(top)
            found.tree_roots.add(top)
        elif top and ("/" in top or top.startswith(".")):
            # `.claude/archon/` is a folder of this repository, not the project's name:
            # when it is not there, it is the one dead entry (children follow it)
            found.paths.append(
                PathClaim(top + "/", first.root_line, first.root_column, section_bases, "tree")
            )
            return
    for entry in listed:
        found.paths.append(PathClaim(entry.path, entry.line, entry.column, bases, "tree"))


def _tree_root(top: str, listed: list[trees.TreeEntry], index: RepoIndex) -> str | None:
    """The folder a tree rooted at a bare name (`store/`) draws, when it is not at the
    root: the one folder of that name, or of several the one holding most of the tree's
    entries (`store/` in docs about `src/harbor/` is `src/harbor/store/`)."""
    if "/" in top:
        return None
    candidates = [c.rstrip("/") for c in index.anywhere(top + "/")]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    held = {c: sum(index.exists(f"{c}/{e.path}") for e in listed) for c in candidates}
    best = max(held.values())
    winners = [c for c, n in held.items() if n == best]
    return winners[0] if best and len(winners) == 1 else None


def named_folders(docs: list[SteeringDoc], index: RepoIndex) -> set[str]:
    """The existing folders any steering doc names: Kiro puts the docs in one context, so
    `backend/` named in structure.md is the reader's context in tech.md too."""
    folders: set[str] = set()
    for doc in docs:
        folders |= claims_of(doc, index).folders
    return folders


def claims_of(doc: SteeringDoc, index: RepoIndex) -> DocClaims:
    """The doc's claims, extracted once per parsed doc (three rules and ``sync`` read
    them); a re-parsed doc (the language server's edits) is read afresh."""
    known = index.claims.get(doc.path)
    if known is None or known[0] is not doc:
        folder = posixpath.dirname(index.relative(doc.path))
        known = index.claims[doc.path] = (doc, extract(doc, folder, index.is_dir, index))
    claims: DocClaims = known[1]
    return claims
