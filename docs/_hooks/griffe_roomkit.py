"""Griffe extension used by the docs build (``mkdocs.yml``): tidy docstrings, demand them.

RoomKit's docstrings are written for the terminal and for Sphinx-style readers, so they
use reST roles such as ``:class:`RoomKitError``` and ``::`` before literal blocks. The
site is Markdown, so the roles become inline code and ``::`` a single colon before the
API reference is rendered.

Every public class, function, method and property of the package (everything reachable
through a public module's ``__all__``, names re-exported from private modules and
methods inherited from the package's own base classes included) must have a docstring:
each one missing is logged as a warning, which fails ``mkdocs build --strict`` and
therefore ``make docs``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import griffe

logger = logging.getLogger("mkdocs.plugins.roomkit_docstrings")

_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|mod|attr|exc|data|obj|const):`~?\.?([^`]+)`")
_LITERAL_MARKER = re.compile(r"(\S)::$", re.MULTILINE)


def _plain(text: str) -> str:
    """Turn reST roles into inline code and ``text::`` into ``text:``."""
    text = _ROLE.sub(lambda match: f"`{match.group(1)}`", text)
    return _LITERAL_MARKER.sub(r"\1:", text)


def _walk(obj: griffe.Object) -> Iterator[griffe.Object]:
    """Yield ``obj`` and every object defined inside it (aliases are not followed)."""
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            yield from _walk(member)


def _is_private(name: str) -> bool:
    return name.startswith("_")


def _public_modules(module: griffe.Module) -> Iterator[griffe.Module]:
    """Yield ``module`` and its public submodules, recursively."""
    yield module
    for name, member in module.members.items():
        if member.is_alias or _is_private(name):
            continue
        if isinstance(member, griffe.Module):
            yield from _public_modules(member)


def _exported(module: griffe.Module, package: str) -> Iterator[griffe.Object]:
    """Yield the objects a public module exports, aliases resolved to their targets."""
    names = module.exports if module.exports is not None else list(module.members)
    for name in names:
        if not isinstance(name, str) or _is_private(name) or name not in module.members:
            continue
        member: Any = module.members[name]
        if member.is_alias:
            try:
                member = member.final_target
            except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                continue
        if isinstance(member, griffe.Object) and member.path.startswith(f"{package}."):
            yield member


def _target(member: Any) -> Any:
    """Return what an alias (an inherited or re-exported member) points to, or ``None``."""
    if not member.is_alias:
        return member
    try:
        return member.final_target
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def _is_callable(obj: Any) -> bool:
    """Whether ``obj`` is a method or a property (griffe models properties as attributes)."""
    if isinstance(obj, griffe.Function):
        return True
    return isinstance(obj, griffe.Attribute) and "property" in obj.labels


def _undocumented(obj: griffe.Object, package: str) -> Iterator[str]:
    """Yield the paths of ``obj`` and its public methods and properties lacking a docstring.

    Inherited methods count when they come from the package (the orchestrator's
    methods are defined on private mixins), so they are reported where they are defined.
    """
    if isinstance(obj, griffe.Function | griffe.Class) and not obj.docstring:
        yield obj.path
    if not isinstance(obj, griffe.Class):
        return
    for name, member in obj.all_members.items():
        if _is_private(name):
            continue
        target = _target(member)
        if _is_callable(target) and target.path.startswith(f"{package}.") and not target.docstring:
            yield target.path


class RoomKitDocstrings(griffe.Extension):
    """Clean reST markup from docstrings and report public objects without one."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Run once the whole package is loaded."""
        for obj in _walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = _plain(obj.docstring.value)
        missing: set[str] = set()
        for module in _public_modules(pkg):
            if not module.docstring:
                missing.add(module.path)
            for obj in _exported(module, pkg.path):
                missing.update(_undocumented(obj, pkg.path))
        for path in sorted(missing):
            logger.warning("missing docstring: %s", path)
