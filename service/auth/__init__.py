"""Signing in and out, and account management for each organisation's admin."""
