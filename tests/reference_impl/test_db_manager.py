"""db_manager: sessions are released on every path; session_scope commits or rolls back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from reference_impl.db_manager import DatabaseManager
from reference_impl.models import UserSession


def test_get_and_close_session_release_connections(database: DatabaseManager) -> None:
    session = database.get_session()
    try:
        session.execute(text("SELECT 1"))
        assert database.checked_out() >= 1
    finally:
        database.close_session(session)
    assert database.checked_out() == 0
    database.close_session(None)  # harmless


def test_session_scope_commits_and_rolls_back(database: DatabaseManager, prefix: str) -> None:
    from reference_impl.stores.database import DatabaseSessionStore

    store = DatabaseSessionStore(database, namespace=prefix)
    sid = store.create_session("u1", {"a": 1})
    with pytest.raises(RuntimeError), database.session_scope() as session:
        session.get(UserSession, sid).data = '{"a":2}'  # type: ignore[union-attr]
        raise RuntimeError("boom")
    assert store.get_session(sid).data == {"a": 1}  # type: ignore[union-attr]
    with database.session_scope() as session:
        session.get(UserSession, sid).data = '{"a":3}'  # type: ignore[union-attr]
    assert store.get_session(sid).data == {"a": 3}  # type: ignore[union-attr]
    assert database.checked_out() == 0


def test_failed_statement_still_releases(database: DatabaseManager) -> None:
    with pytest.raises(Exception), database.session_scope() as session:  # noqa: B017
        session.execute(text("SELECT * FROM no_such_table"))
    assert database.checked_out() == 0


def test_indexes_exist(database: DatabaseManager) -> None:
    names = {i.name for i in UserSession.__table__.indexes}
    assert {"ix_user_sessions_user", "ix_user_sessions_expires"} <= names
    with database.session_scope() as session:
        session.execute(select(func.count()).select_from(UserSession))


def test_default_url_is_local_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert DatabaseManager().url == "sqlite:///sessions.db"
    assert "***" in repr(DatabaseManager("postgresql://u:pw@h/db"))
