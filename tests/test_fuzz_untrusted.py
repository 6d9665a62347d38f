"""Fuzzing the readers of untrusted bytes (issue #15): the cache reader, the front-matter
reader and the glob matcher never raise an unexpected error, and each input stays within
a time and memory budget however hostile."""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steeringsync import cache as cache_mod
from steeringsync.steering import globs
from steeringsync.steering.document import YamlTooBig, load_yaml_bounded, parse_text

SECONDS = 2.0  # per input, on a loaded 2-core machine; the attacks took minutes
MEMORY = 64 * 1024 * 1024  # peak Python allocation per input; the attacks took gigabytes
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@contextmanager
def budget() -> Iterator[None]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < SECONDS, f"took {elapsed:.2f} s"
    assert peak < MEMORY, f"allocated {peak / 2**20:.0f} MiB"


# -- the cache reader ------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=40,
)


def _signed(key: str, body: bytes) -> bytes:
    secret = cache_mod.user_secret()
    assert secret is not None
    return cache_mod.MAGIC + cache_mod._mac(secret, key, body) + body


hostile_blobs = st.one_of(
    st.binary(max_size=200),
    st.binary(max_size=200).map(lambda b: cache_mod.MAGIC + b),
    # what marshal took 13 GiB over: a tiny file claiming 2**31-1 items
    st.just(b"SSCACHE2" + b"\0" * 20 + b"(\xff\xff\xff\x7f"),
    st.just(cache_mod.MAGIC + b"\0" * 32 + b"[" * 100_000),
)


@FUZZ
@given(blob=hostile_blobs)
def test_cache_reader_rejects_any_unsigned_bytes(tmp_path: Path, blob: bytes) -> None:
    file = tmp_path / "k.bin"
    file.write_bytes(blob)
    with budget():
        assert cache_mod.read_blob(file, "k") is None


@FUZZ
@given(data=json_values, raw=st.binary(max_size=100))
def test_cache_entries_of_any_shape_are_misses_not_errors(
    tmp_path: Path, data: Any, raw: bytes
) -> None:
    """Even a validly signed file (our own, from another version or damaged in memory)
    of any JSON shape, or signed garbage, is a miss: never an exception."""
    key = "k" * 32
    file = tmp_path / f"{key}.bin"
    for body in (json.dumps({"/p.py": data, "/q.py": [data, True, "00", data]}).encode(), raw):
        file.write_bytes(_signed(key, body))
        with budget():
            cache = cache_mod.Cache(tmp_path, key)
            cache.file = file
            cache.entries = {}
            loaded = cache_mod.read_blob(file, key)
            cache.entries = loaded if isinstance(loaded, dict) else {}
            for path in ("/p.py", "/q.py", "/r.py"):
                entry = cache.get(path)
                payload = cache.lookup(path, (1, 2, 3, 4))
                if payload is not cache_mod.MISS:
                    cache.decode(Path(path), payload)
                if entry is not None:
                    cache.decode(Path(path), entry.payload)


def test_a_deeply_nested_signed_cache_is_a_miss(tmp_path: Path) -> None:
    file = tmp_path / "k.bin"
    file.write_bytes(_signed("k", b"[" * 1_000_000 + b"]" * 1_000_000))
    with budget():
        assert cache_mod.read_blob(file, "k") is None


# -- the front-matter reader -----------------------------------------------------------------

yaml_tokens = st.sampled_from(
    ["a", "b: ", "- ", "&x ", "*x", "&y ", "*y", "[", "]", "{", "}", ", ", "\n", "  ", ": ",
     "'", '"', "!!str ", "? ", "|", ">", "#", "---\n", "...", "1", "null", "~", "\t"]
)  # fmt: skip


def alias_bomb(depth: int, width: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, depth):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@FUZZ
@given(text=st.lists(yaml_tokens, max_size=80).map("".join))
def test_front_matter_reader_never_raises_unexpectedly(text: str) -> None:
    with budget():
        with suppress(yaml.YAMLError, YamlTooBig, RecursionError):
            load_yaml_bounded(text)
        doc = parse_text(Path("d.md"), f"---\n{text}\n---\n# Doc\n")
        if doc.front_matter is not None and doc.front_matter.error is None:
            str(doc.front_matter.data)  # what a message could format: bounded too


@FUZZ
@given(depth=st.integers(2, 12), width=st.integers(2, 12))
def test_alias_bombs_are_refused_before_they_are_built(depth: int, width: int) -> None:
    text = alias_bomb(depth, width)
    expanded = sum(width**i for i in range(1, depth + 1))
    with budget():
        try:
            data = load_yaml_bounded(text)
        except YamlTooBig:
            assert expanded > 1_000
        else:
            assert data is not None and len(json.dumps(data)) < 10_000_000


# -- the glob matcher ------------------------------------------------------------------------

glob_chars = st.sampled_from([*list("ax/.*?[]!{},-"), "**", "**/", "{a,b}"])
path_chars = st.sampled_from([*list("ax/.-_b"), "x" * 50])


@FUZZ
@given(
    pattern=st.lists(glob_chars, max_size=60).map("".join),
    path=st.lists(path_chars, max_size=120).map("".join),
)
def test_glob_matcher_is_total_and_bounded(pattern: str, path: str) -> None:
    with budget():
        globs.matches(pattern, path)


@pytest.mark.parametrize(
    ("pattern", "path"),
    [
        ("**x**x**x**x**x**x**x**x**y", "x" * 4000),
        ("*x*x*x*x*x*x*x*x*x*x*y", "x" * 255),
        ("/".join(["**"] * 30) + "/y", "/".join(["x"] * 2000)),
        ("{" + ",".join(f"a{i}" for i in range(40_000)) + "}", "a1"),
        ("{a,b}" * 40, "a" * 40),
        ("{" * 5000 + "a,b" + "}" * 5000, "a"),
    ],
)
def test_adversarial_globs_stay_within_budget(pattern: str, path: str) -> None:
    with budget():
        globs.matches(pattern, path)
        globs.split_patterns(pattern)


@FUZZ
@given(name=st.text(alphabet="abc._-", min_size=1, max_size=20))
def test_a_glob_without_wildcards_matches_only_itself(name: str) -> None:
    matcher: Callable[[str, str], bool] = globs.matches
    assert matcher(name, name)
    assert matcher(name, "dir/" + name)  # no slash: matched by file name anywhere
    assert not matcher(name, name + "x")
