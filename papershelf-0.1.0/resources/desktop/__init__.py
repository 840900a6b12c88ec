"""Desktop integration files: the freedesktop entry and the AppStream metadata."""
