"""Placements: creation, detail with history, status changes."""
