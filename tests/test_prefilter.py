"""The trigger pre-filter, the cache and the pool never change what check reports."""

from __future__ import annotations

import ast
import json
import os
import shutil
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steeringsync import parallel, triggers
from steeringsync.cli import main
from steeringsync.drift.code_settings import SettingsCollector
from steeringsync.engine import relevant_owners
from steeringsync.python.source import PythonSource
from steeringsync.triggers import contains_trigger, identifier_view

STDLIB_PACKAGES = ("email", "json", "logging", "http", "importlib", "asyncio", "ctypes")
GENERATED = {
    "with.py": "with unified_session_manager.get_db_session() as s:\n    s.query(1)\n",
    "alias.py": "import app.unified_session_manager as usm\nusm.get_db_session()\n",
    "self.py": (
        "class A:\n    def f(self):\n"
        "        with self.unified_session_manager.get_db_session():\n            pass\n"
    ),
    "comment_only.py": "# unified_session_manager.get_db_session() is gone\nx = 1\n",
    "string_only.py": "HELP = 'use unified_session_manager.get_db_session() no more'\n",
    "getenv.py": "import os\nT = int(os.getenv('REDIS_SESSION_TIMEOUT', '60'))\n",
    "environ.py": (
        "import os\nURL = os.environ.get('DATABASE_URL', 'sqlite://')\n"
        "K = os.environ['SECRET_KEY']\n"
    ),
    "from_os.py": "from os import getenv as ge\nN = ge('SESSION_COOKIE_NAME', 'sid')\n",
    "pydantic.py": (
        "from pydantic_settings import BaseSettings\n\n"
        "class S(BaseSettings):\n    redis_url: str = 'redis://localhost'\n"
    ),
    "loop.py": "import os\nfor k in ('A_ONE', 'A_TWO'):\n    os.getenv(k)\n",
    "noqa.py": "unified_session_manager.get_db_session()  # noqa: SS001\n",
    "broken_relevant.py": "with unified_session_manager.get_db_session() as s\n    pass\n",
    "broken_irrelevant.py": "def f(:\n    pass\n",
    "empty.py": "",
    # the settings collector's triggers are whole words: `environment` is not `environ`
    "environment_broken.py": "# set up the environment\ndef f(:\n    pass\n",
    "environ_broken.py": "import os\nos.environ[\n",
    # WSGI's `environ` argument, with no os import, is not a setting read: not parsed
    "wsgi_broken.py": "def app(environ, start):\n    return environ.get('PATH_INFO'\n",
    "wsgi.py": "def app(environ, start):\n    return environ['PATH_INFO']\n",
    # os.environ used, but no key read from it: not parsed
    "environ_copy.py": "import os\nENV = os.environ.copy()\n",
    "environ_copy_broken.py": "import os\nENV = os.environ.copy(\n",
    # a read split by a comment and a parenthesis is still found
    "paren_read.py": "import os\nX = (os.environ  # why\n     )['PAREN_KEY']\n",
}
BINARY = {
    "latin1_relevant.py": b"x = '\xe9'\nunified_session_manager.get_db_session()\n",
    "latin1_irrelevant.py": b"x = '\xe9'\n",
    "nul.py": b"x = 1\0\n",
}
DOC = """# Tech

```env
REDIS_SESSION_TIMEOUT=3600
SESSION_COOKIE_NAME=sid
UNUSED_SETTING=1
```
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~300 files: real stdlib modules plus every shape the rules care about."""
    root = tmp_path_factory.mktemp("corpus")
    (root / ".git").mkdir()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    count = 0
    for package in STDLIB_PACKAGES:
        for src in sorted((stdlib / package).rglob("*.py")):
            if "test" in src.parts or count >= 250:
                continue
            dest = root / "vendor" / package / src.relative_to(stdlib / package)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            count += 1
    for i in range(3):  # the same shapes at several depths
        for name, text in GENERATED.items():
            target = root / "app" / f"d{i}" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        for name, data in BINARY.items():
            (root / "app" / f"d{i}" / name).write_bytes(data)
    (root / ".kiro" / "steering").mkdir(parents=True)
    (root / ".kiro" / "steering" / "tech.md").write_text(DOC)
    return root


def check(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        code = main(["check", "--format", "json", *args])
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert code == 1, out
    return json.loads(out)


def test_findings_identical_cold_warm_serial_pooled_and_unfiltered(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "SERIAL_LIMIT", 4)  # make the pool take part
    from steeringsync.cache import cache_dir

    shutil.rmtree(cache_dir(corpus), ignore_errors=True)
    cold = check(corpus, capsys, "--jobs", "2")
    assert cache_dir(corpus).is_dir()
    warm = check(corpus, capsys, "--jobs", "2")
    serial = check(corpus, capsys, "--jobs", "1", "--no-cache")
    unfiltered = check(corpus, capsys, "--no-prefilter", "--no-cache", "--jobs", "2")
    check(corpus, capsys, "--no-prefilter")  # fills the unfiltered configuration's cache
    unfiltered_warm = check(corpus, capsys, "--no-prefilter")
    assert cold == warm == serial == unfiltered == unfiltered_warm
    by_path: dict[str, set[str]] = {}
    for finding in cold:
        by_path.setdefault(finding["path"], set()).add(finding["code"])
    # the shapes were found at every depth, so the comparison above is not vacuous
    for i in range(3):
        d = f"app/d{i}"
        for name in ("with.py", "alias.py", "self.py"):
            assert "SS001" in by_path[f"{d}/{name}"]
        assert by_path[f"{d}/broken_relevant.py"] == {"SS900"}
        assert by_path[f"{d}/latin1_relevant.py"] == {"SS900"}
        assert by_path[f"{d}/nul.py"] == {"SS901"}
        assert by_path[f"{d}/environ_broken.py"] == {"SS900"}
        quiet = ("comment_only.py", "string_only.py", "broken_irrelevant.py", "empty.py")
        for name in (*quiet, "environment_broken.py", "wsgi_broken.py", "wsgi.py"):
            assert f"{d}/{name}" not in by_path
        for name in ("environ_copy.py", "environ_copy_broken.py"):
            assert f"{d}/{name}" not in by_path
    assert {f["code"] for f in cold} > {"SS001", "SS900", "SS901"}  # drift rules too
    # a read split by a comment and a parenthesis: found (reported at its first read)
    assert by_path["app/d0/paren_read.py"] == {"SS203"}


def test_editing_a_file_after_a_warm_run_is_seen(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check(corpus, capsys)
    target = corpus / "app" / "d0" / "comment_only.py"
    original = target.read_text()
    try:
        target.write_text("unified_session_manager.get_db_session()\n")
        found = check(corpus, capsys)
        assert any(f["path"] == "app/d0/comment_only.py" for f in found)
    finally:
        target.write_text(original)
    assert not any(f["path"] == "app/d0/comment_only.py" for f in check(corpus, capsys))


def test_whole_word_triggers() -> None:
    words = (b"environ",)
    assert contains_trigger(b"os.environ['A']", (), words)
    assert contains_trigger(b"x = environ", (), words)  # at the very end
    assert not contains_trigger(b"the environment", (), words)
    assert not contains_trigger(b"environ_x = 1", (), words)
    assert contains_trigger(b"the environment", (b"environ",), ())  # plain: substring
    assert contains_trigger(b"environment; os.environ.get('A')", (), words)  # a later hit


def test_settings_reads_need_an_os_import() -> None:
    collector = SettingsCollector()
    assert not collector.relevant(b"def app(environ, start):\n    return environ['PATH']\n")
    assert not collector.relevant(b"import pos\npos.environ['A']\n")  # `pos` is not `os`
    assert collector.relevant(b"import os\nos.environ['A']\n")
    assert collector.relevant(b"import sys, os as o\no.getenv('A')\n")
    assert collector.relevant(b"from os import (\n    environ,\n)\nenviron['A']\n")
    assert collector.relevant(b"class S(BaseSettings):\n    a: int = 1\n")  # no os needed
    assert not collector.relevant(b"import os\nENV = os.environ.copy()\n")
    assert not collector.relevant(b"import os\nf = os.getenv\n")  # a reference, not a read


IMPORTS = st.sampled_from(
    [
        "import os",
        "import os as o",
        "import sys, os",
        "from os import environ",
        "from os import environ as E",
        "from os import getenv as g",
        "from os import (\n    getenv as g,  # why\n    environ as E,\n)",
        "from os import \\\n    environ",
        "import \uff4f\uff53 as o",  # fullwidth: Python reads it as `os`
        "from \uff4f\uff53 import environ as E",
    ]
)
RECEIVERS = st.sampled_from(
    ["os", "o", "(os)", "( os )", "E", "environ", "g", "getenv", "(os", "(E", "(g"]
)
ACCESSES = st.sampled_from(["", ".environ", ".getenv", ". environ", ".\\\n environ"])
GAPS = st.sampled_from(["", " ", "\n", "  # note\n", "\\\n", "\n# whole line\n"])
OPS = st.sampled_from(
    ["['K']", ".get('K')", ".setdefault('K', 'd')", "('K')", ".copy()", ".get", "('K', '1')"]
)


@settings(max_examples=400, deadline=None)
@given(IMPORTS, RECEIVERS, GAPS, ACCESSES, GAPS, OPS)
def test_a_file_with_a_setting_read_is_never_filtered_out(
    imports: str, receiver: str, gap1: str, access: str, gap2: str, op: str
) -> None:
    closing = ")" if receiver.startswith("(") and not receiver.endswith(")") else ""
    code = f"{imports}\nx = ({receiver}{gap1}{access}{gap2}{closing}{op})\n"
    try:
        ast.parse(code)
    except SyntaxError:
        return
    source = PythonSource(Path("app.py"), code.encode(), code)
    collector = SettingsCollector()
    if collector.collect(source):  # the engine asks with the bytes, then as parsed
        data = code.encode()
        assert relevant_owners([collector], data, identifier_view(data)) == [collector], code


WORDS_AND_NOISE = st.lists(
    st.sampled_from(
        [b"environ", b"environment", b"getenv", b"get_db_session", b"xenviron", b"os.",
         b"[", b" ", b"\n", b"_", b"\xc3\xa9", b"9", b"BaseSettings", b"Base", b"environ_",
         b"get", b"env", b"iron", b"Settings", b"_db_session"]
    ),
    max_size=12,
).map(b"".join)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(WORDS_AND_NOISE)
def test_one_pass_search_matches_the_token_by_token_one(data: bytes) -> None:
    # tokens overlap (`getenviron` holds `getenv`, then `environ` as a word)
    plain, words = (b"get_db_session",), (b"environ", b"getenv", b"BaseSettings")
    assert contains_trigger(data, plain, words) == triggers._contains_each(data, plain, words)


def test_without_the_automaton_the_pre_filter_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(triggers, "_automaton", lambda plain, words: None)
    assert contains_trigger(b"os.environ['A']", (), (b"environ",))
    assert not contains_trigger(b"the environment", (), (b"environ",))


@pytest.mark.parametrize(
    "data",
    [
        # a trigger in the bytes, and os spelled as Python reads it: NFKC, coding cookie
        "import \uff4f\uff53 as e\nX = e.getenv('KEY')\n".encode(),
        "from \uff4f\uff53 import getenv\ngetenv('KEY')\n".encode(),
        "import \u00bas as e\ne.getenv('KEY')\n".encode(),  # U+00BA is o after NFKC
        b"# coding: utf-7\nimport +AG8Acw- as e\ne.getenv('KEY')\n",
    ],
)
def test_os_spelled_as_the_parser_normalises_it_is_found(
    write_tree: Callable[[dict[str, str]], Path], data: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree({".kiro/steering/tech.md": "# Tech\n"})
    (root / "app.py").write_bytes(data)
    filtered = check(root, capsys, "--no-cache")
    assert [(f["code"], f["path"]) for f in filtered] == [("SS203", "app.py")]  # KEY is read
    assert check(root, capsys, "--no-cache", "--no-prefilter") == filtered


@pytest.mark.parametrize(
    "data",
    [
        # codecs that raise a bare UnicodeError: an undecodable file, never a traceback
        b"# coding: undefined\nimport os\nenv = os.environ.copy()\n",
        b"# coding: punycode\nimport os\nX = os.getenv('KEY')\n",
        # U+2000 is a space only after NFKC: not a word boundary the bytes show, so no
        # SS900 in either mode
        "import os\nx = os.getenv\u2000('X')\n# \uff58\n".encode(),
    ],
)
def test_odd_encodings_report_the_same_with_and_without_the_filter(
    write_tree: Callable[[dict[str, str]], Path], data: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree({"a.py": "import os\nA = os.getenv('UNDOCUMENTED')\n"})  # exit 1
    (root / "odd.py").write_bytes(data)
    filtered = check(root, capsys, "--no-cache")
    assert "internal error" not in capsys.readouterr().err
    assert check(root, capsys, "--no-cache", "--no-prefilter") == filtered
