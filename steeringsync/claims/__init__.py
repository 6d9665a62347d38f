"""What steering docs claim about the repository: paths, trees, commands, Python names."""
