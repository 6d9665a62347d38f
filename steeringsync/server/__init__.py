"""``steeringsync server``: a Language Server over stdio (pygls), for editors and agents.

Layers, top to bottom: ``protocol`` (pygls wiring) -> ``actions`` / ``hover`` (what the
editor asks for) -> ``convert`` (findings to LSP types) -> ``model`` (the project kept
in memory, updated one buffer at a time) -> the library (engine, rules, fix, drift).
"""
