"""The approved-provider catalogue."""
