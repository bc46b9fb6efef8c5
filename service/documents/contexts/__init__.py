"""Context builders: a placement and its records turned into the plain dict a Word template is filled with.

Templates never reach into models. Each builder returns strings, booleans and lists of dicts exactly as
declared in :mod:`service.documents.fields` (tests hold them to it), so a context can be stored as JSON
with the document it produced and the document can be produced again from it.
"""
