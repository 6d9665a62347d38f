"""The legacy database-only manager still works; get_db_session() is deprecated."""

from __future__ import annotations

import pytest

from reference_impl.db_manager import DatabaseManager
from reference_impl.models import UserSession
from reference_impl.settings import Settings
from reference_impl.unified_session_manager import UnifiedSessionManager


@pytest.fixture
def legacy(database: DatabaseManager, prefix: str) -> UnifiedSessionManager:
    return UnifiedSessionManager(database, Settings(redis_session_prefix=prefix))


def test_get_db_session_warns_commits_and_closes(legacy: UnifiedSessionManager) -> None:
    sid = legacy.create_session("u1", {"a": 1})
    with pytest.warns(DeprecationWarning, match="db_manager"), legacy.get_db_session() as s:
        s.get(UserSession, sid).data = '{"a":2}'  # type: ignore[union-attr]
    assert legacy.get_session(sid).data == {"a": 2}  # type: ignore[union-attr]
    assert legacy.db.checked_out() == 0


def test_get_db_session_rolls_back_on_error(legacy: UnifiedSessionManager) -> None:
    sid = legacy.create_session("u1", {"a": 1})
    with pytest.warns(DeprecationWarning), pytest.raises(KeyError), legacy.get_db_session() as s:
        s.get(UserSession, sid).data = '{"a":2}'  # type: ignore[union-attr]
        raise KeyError("boom")
    assert legacy.get_session(sid).data == {"a": 1}  # type: ignore[union-attr]
    assert legacy.db.checked_out() == 0


def test_module_level_instance_is_lazy() -> None:
    import reference_impl.unified_session_manager as module

    assert isinstance(module.unified_session_manager, UnifiedSessionManager)
    assert module.unified_session_manager is module.unified_session_manager
