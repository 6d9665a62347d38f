"""Kiro steering documents: the model, the parser and the loader."""
