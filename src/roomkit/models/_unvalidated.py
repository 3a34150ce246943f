"""Models built from values already known to be valid, without running validation.

Validating a model costs microseconds, most of it for checks whose answer the caller
already knows: the pipeline builds its results, contexts and events from values that
were validated when they entered RoomKit. :func:`unvalidated` gives, for a model class,
a function that builds the instance the class's constructor would build from such
values, in a fraction of the time.

For each class a builder is generated once (as :mod:`._clone` generates its copiers):
one keyword parameter per field, Python itself refusing a missing required field or an
unknown one; each left-out field gets its default as pydantic makes it (a shared
immutable value, the field's factory, or a deep copy of a mutable default), and
``model_fields_set`` names the given ones. The class's own ``mode="after"`` model
validators then run on the instance, as after validation; a class with other validators
of its own, a ``model_post_init``, private attributes, extra fields or validated defaults
gets its constructor instead, since skipping those would change what it builds.
"""

from __future__ import annotations

import copy
import inspect
import keyword
from collections.abc import Callable
from enum import Enum
from functools import partial
from typing import Any, cast

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from roomkit.models._util import new_object, set_dict, set_extra, set_fields_set, set_private

__all__ = ["unvalidated"]

_SHARED_DEFAULTS = (type(None), str, int, float, bool, bytes, Enum)

_builders: dict[type[BaseModel], Callable[..., Any]] = {}


def unvalidated[M: BaseModel](cls: type[M]) -> Callable[..., M]:
    """Return a function taking ``cls``'s fields by keyword and building it unvalidated.

    Each value given to it must be exactly what validation would have made of it (an enum
    member, not its string; a UTC datetime; an instance of the field's model), since
    nothing is checked or converted.
    """
    builder = _builders.get(cls)
    if builder is None:
        builder = _builders[cls] = _compile(cls)
    return builder


def _compile(cls: type[BaseModel]) -> Callable[..., Any]:
    """Generate the builder of ``cls`` (its constructor when it must validate)."""
    decorators = cls.__pydantic_decorators__
    after = [
        found.func
        for found in decorators.model_validators.values()
        if found.info.mode == "after" and _takes_only_self(found.func)
    ]
    if (
        len(after) < len(decorators.model_validators)
        or decorators.field_validators
        or decorators.root_validators
        or decorators.validators
        or cls.__private_attributes__
        or cls.__pydantic_post_init__
        or cls.model_config.get("extra") == "allow"
        or cls.model_config.get("validate_default")
        or any(info.validate_default for info in cls.model_fields.values())
        or any(keyword.iskeyword(name) for name in cls.model_fields)  # not a parameter
    ):
        return cls
    namespace: dict[str, Any] = {
        "_t_unset": object(),
        "_t_new": new_object,
        "_t_cls": cls,
        "_t_set": set,
        "_t_set_dict": set_dict,
        "_t_set_fields_set": set_fields_set,
        "_t_set_extra": set_extra,
        "_t_set_private": set_private,
    }
    required: list[str] = []
    optional: list[str] = []
    body: list[str] = []
    for name, info in cls.model_fields.items():
        if info.default_factory is not None:
            if info.default_factory_takes_validated_data:
                return cls
            factory = cast(Callable[[], Any], info.default_factory)
            if isinstance(factory, type) and issubclass(factory, BaseModel):
                factory = partial(_build_default, factory)  # a model made with defaults
            namespace[f"_t_d_{name}"] = factory
            default = f"_t_d_{name}()"
        elif info.default is PydanticUndefined:
            required.append(name)
            continue
        elif isinstance(info.default, _SHARED_DEFAULTS):
            namespace[f"_t_d_{name}"] = info.default
            default = f"_t_d_{name}"
        else:
            namespace[f"_t_d_{name}"] = partial(copy.deepcopy, info.default)
            default = f"_t_d_{name}()"
        optional.append(name)
        body += [
            f"    if {name} is _t_unset:",
            f"        {name} = {default}",
            "    else:",
            f"        _t_given.add({name!r})",
        ]
    params = [*required, *(f"{name}=_t_unset" for name in optional)]
    given = "{" + ", ".join(repr(name) for name in required) + "}" if required else "_t_set()"
    fields = ", ".join(f"{name!r}: {name}" for name in cls.model_fields)
    lines = [
        f"def _t_build({'*, ' if params else ''}{', '.join(params)}):",
        f"    _t_given = {given}",
        *body,
        "    _t_obj = _t_new(_t_cls)",
        f"    _t_set_dict(_t_obj, {{{fields}}})",
        "    _t_set_fields_set(_t_obj, _t_given)",
        "    _t_set_extra(_t_obj, None)",
        "    _t_set_private(_t_obj, None)",
        *(f"    _t_obj = _t_after_{n}(_t_obj)" for n in range(len(after))),
        "    return _t_obj",
    ]
    namespace.update({f"_t_after_{n}": func for n, func in enumerate(after)})
    exec("\n".join(lines), namespace)  # the source is built from field names only
    builder: Callable[..., Any] = namespace["_t_build"]
    return builder


def _build_default(cls: type[BaseModel]) -> Any:
    """A model with all its defaults, as its class called without arguments makes it."""
    return unvalidated(cls)()


def _takes_only_self(func: Callable[..., Any]) -> bool:
    """Whether a model validator is a plain method taking the instance alone."""
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return len(parameters) == 1
