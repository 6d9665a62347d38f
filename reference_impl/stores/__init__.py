"""Session stores: one contract (``base``), one module per backend tier."""

from __future__ import annotations

from reference_impl.stores.base import SessionRecord, SessionStore

__all__ = ["SessionRecord", "SessionStore"]
