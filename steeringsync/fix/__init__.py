"""Fix mode: exact, formatting-preserving rewrites of findings (LibCST is imported lazily)."""
