"""Every field a template reads, checked against its kind's schema before the template is accepted.

A misspelt field would stop every document made from the template; a field reaching for Python's internals is
an attack. The checker walks the parsed template with its scopes (loop variables over lists, ``set``) and names
each field the schema does not declare, with the tag and where it is.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes

from service.documents.engine.rendering import TemplateProblem, excerpt, jinja_env
from service.documents.engine.schema import Field, Kind, Schema


@dataclass
class Tag:
    text: str  # as seen in Word, e.g. "{%tr for s in sessions %}"
    kind: str  # "{{", "{%" or "{#"
    body: str  # between the delimiters, docxtpl prefix and whitespace control removed
    paragraph: str
    part: str

    @property
    def location(self) -> str:
        return f"{self.part}, in “{excerpt(self.paragraph)}”"


def normal(text: str) -> str:
    return re.sub(r"\s+|^\{[{%#](?:tr|tc|p|r)?", "", text)


# Names a template may use besides its fields: what is left of Jinja's globals, and its constants.
JINJA_GLOBALS = set(jinja_env().globals) | {"true", "false", "none", "True", "False", "None"}

_ANY = Field("any", "anything a template made itself", kind=Kind.TEXT)
# What an expression reaching for a name that starts with _ stands for: reported once, at its first such name.
_INTERNAL = Field("internal", "the workings of Python", kind=Kind.TEXT)


class FieldChecker:
    """Walks the parsed template with its scopes (loop variables, ``set``) and checks every field it reads."""

    def __init__(self, schema: Schema, env: Any, tags: list[Tag], lines: list[str], part: str) -> None:
        self.schema, self.env, self.tags, self.lines, self.part = schema, env, tags, lines, part
        self.problems: list[TemplateProblem] = []

    def check(self, tree: nodes.Template) -> list[TemplateProblem]:
        self._body(tree.body, {})
        return self.problems

    # scopes map a name to the Field it stands for (a loop variable over a list stands for the list's item)
    def _body(self, body: list[nodes.Node], scope: dict[str, Field]) -> None:
        for node in body:
            self._node(node, scope)

    def _node(self, node: nodes.Node, scope: dict[str, Field]) -> None:
        if isinstance(node, nodes.For):
            item = self._expr(node.iter, scope)
            inner = dict(scope)
            element = _ANY
            if item is not None and item.kind is Kind.LIST:
                element = Field("item", item.description, kind=Kind.GROUP, fields=item.fields)
            elif item is not None and item is not _ANY:
                self._problem(f"{_path(node.iter)} is not a list, so it cannot be looped over", node)
            self._bind(node.target, element, inner)
            inner["loop"] = _ANY
            if node.test is not None:
                self._expr(node.test, inner)
            self._body(node.body, inner)
            self._body(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self._expr(node.node, scope)
            self._bind(node.target, _ANY, scope)
        elif isinstance(node, nodes.AssignBlock):
            self._body(node.body, scope)
            self._bind(node.target, _ANY, scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self._expr(value, scope)
                self._bind(target, _ANY, inner)
            self._body(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for arg in node.args:
                self._bind(arg, _ANY, inner)
            for default in node.defaults:
                self._expr(default, scope)
            inner.update({"caller": _ANY, "varargs": _ANY, "kwargs": _ANY})
            if isinstance(node, nodes.Macro):
                scope[node.name] = _ANY
            else:
                self._expr(node.call, scope)
            self._body(node.body, inner)
        elif isinstance(node, nodes.Expr):
            self._expr(node, scope)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self._expr(child, scope)
                else:
                    self._node(child, scope)

    def _bind(self, target: nodes.Node, field: Field, scope: dict[str, Field]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = field
        else:
            for name in target.find_all(nodes.Name):
                scope[name.name] = _ANY

    def _expr(self, node: nodes.Node, scope: dict[str, Field]) -> Field | None:
        """The field an expression reads (or _ANY, or None for a value that is not a field); reports unknowns."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            found = self.schema.lookup(node.name)
            if found is None and node.name not in JINJA_GLOBALS:
                message = f"there is no field called “{node.name}” in the {self.schema.label}"
                if len(node.name) <= 2:
                    message += " (a loop's variable works only between its for and endfor tags)"
                self._problem(message, node)
            return found or _ANY
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            base = self._expr(node.node, scope)
            key = node.attr if isinstance(node, nodes.Getattr) else _constant(node.arg)
            if base is _INTERNAL:
                return _INTERNAL
            if isinstance(key, str) and key.startswith("_"):
                self._internal(key, node)
                return _INTERNAL
            if isinstance(node, nodes.Getitem) and key is None:
                self._expr(node.arg, scope)
                return _ANY
            return self._member(base, key, node)
        if isinstance(node, nodes.Filter | nodes.Test):
            known = self.env.filters if isinstance(node, nodes.Filter) else self.env.tests
            if node.name not in known:
                what = "filter" if isinstance(node, nodes.Filter) else "test"
                self._problem(f"there is no {what} called “{node.name}”", node)
            if node.name == "attr" and node.args and str(_constant(node.args[0]) or "").startswith("_"):
                self._internal(str(_constant(node.args[0])), node)
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            # a method call such as pupil.display_name.upper(): check the object, allow the method
            base = self._expr(node.node.node, scope)
            if base is not _INTERNAL and node.node.attr.startswith("_"):
                self._internal(node.node.attr, node.node)
            for child in [*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs]:
                if child is not None:
                    self._expr(child, scope)
            return _ANY
        for child in node.iter_child_nodes():
            self._expr(child, scope)
        return None

    def _member(self, base: Field | None, key: Any, node: nodes.Node) -> Field:
        if base is None or base is _ANY:
            return _ANY
        if base.kind is Kind.GROUP:
            found = base.child(str(key)) if isinstance(key, str) else None
            if found is None:
                self._problem(f"there is no field called “{_path(node)}”: {_path(node.node)} has no “{key}”", node)
                return _ANY
            return found
        if base.kind is Kind.LIST and isinstance(key, int):
            return Field("item", base.description, kind=Kind.GROUP, fields=base.fields)
        if base.kind is not Kind.LIST and isinstance(key, str) and hasattr(str, key):
            return _ANY  # a string method, e.g. .upper
        self._problem(f"there is no field called “{_path(node)}”: {_path(node.node)} is {base.kind.value}", node)
        return _ANY

    def _internal(self, name: str, node: nodes.Node) -> None:
        self._problem(
            f"“{name}” is not a field: a name starting with _ reaches into the workings of Python, "
            "which templates cannot touch",
            node,
        )

    def _problem(self, message: str, node: nodes.Node) -> None:
        line = self.lines[node.lineno - 1] if 0 < node.lineno <= len(self.lines) else ""
        text = html.unescape(re.sub(r"<[^>]+>", "", line))
        name = _path(node)
        here = [t for t in self.tags if normal(t.text) in normal(text)] or self.tags
        matching = [t for t in here if name and name in t.text] or [t for t in here if name.split(".")[-1] in t.text]
        tag = matching[0] if matching else None
        location = tag.location if tag else f"{self.part}, in “{excerpt(text)}”"
        self.problems.append(TemplateProblem(message, tag.text if tag else "", location))


def _constant(node: nodes.Node) -> Any:
    return node.value if isinstance(node, nodes.Const) else None


def _path(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_path(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        key = _constant(node.arg)
        return f"{_path(node.node)}.{key}" if isinstance(key, str) else f"{_path(node.node)}[{key}]"
    if isinstance(node, nodes.Filter | nodes.Test):
        return node.name
    return ""
