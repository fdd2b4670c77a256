"""Built-in program templates, as YAML data files (see program_library.py)."""
