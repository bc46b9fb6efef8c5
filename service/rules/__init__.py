"""Statutory and guidance rules as pure functions.

These modules encode the law and guidance the service relies on (compulsory school age, national
curriculum year, UPN check letters, England working days, the placement lifecycle and who decides on a
placement) in one place, with no Flask and no database, so every rule can be tested from a table and read
beside its source. See docs/rules.md for the legal basis and worked examples of each rule.
"""
