"""The dashboard: what each role sees first."""
