"""Database backends of stadtlage (a fair write lock for SQLite)."""
