"""Signing: seals on signed plans, and checking them."""
