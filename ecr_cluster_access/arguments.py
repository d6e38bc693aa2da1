"""Checks of what Python callers pass the constructs and the chart, so a wrong type is one
:class:`ParameterError` naming the argument, never an ``AttributeError`` or a jsii traceback.

Plain Python: it imports neither aws-cdk-lib nor cdk8s (CDK objects are recognised by the
attributes the constructs use)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .params import ParameterError, Parameters
from .params.spec import show


def checked_params(params: object, name: str = "params") -> Parameters:
    """``params`` if it is :class:`Parameters`, else a ParameterError naming ``name``."""
    if not isinstance(params, Parameters):
        raise ParameterError([
            f"{name}: {show(params, 60)} is not Parameters: build it with "
            "Parameters.from_mapping({...}) or load_parameters()"])
    return params


def checked_list(value: object, name: str, what: str, one: str,
                 attribute: str | None = None, item_type: type | None = None) -> list[Any]:
    """``value`` as a list when it is a list or tuple whose items have ``attribute`` (CDK
    objects) or are ``item_type``; a single item, a string or anything else is refused."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        single = (attribute is not None and hasattr(value, attribute)) or (
            item_type is not None and isinstance(value, item_type))
        hint = f": pass a list, [{name.rstrip('s')}]" if single else ""
        raise ParameterError([f"{name}: {show(value, 60)} is not a list of {what}{hint}"])
    for i, item in enumerate(value):
        ok = (attribute is not None and hasattr(item, attribute)) or (
            item_type is not None and isinstance(item, item_type) and not isinstance(item, bool))
        if not ok:
            raise ParameterError([f"{name}[{i}]: {show(item, 60)} is not {one}"])
    return list(value)


def checked_object(value: object, name: str, what: str, attribute: str) -> Any:
    """``value`` when it is ``None`` or has ``attribute`` (a CDK object of the right kind)."""
    if value is not None and not hasattr(value, attribute):
        raise ParameterError([f"{name}: {show(value, 60)} is not {what}"])
    return value


def checked_strings(value: object, name: str) -> Mapping[str, str] | None:
    """``value`` when it is ``None`` or a mapping of strings to strings (labels, annotations)."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ParameterError([f"{name}: {show(value, 60)} is not a mapping of strings to "
                              "strings"])
    return value


def checked_names(value: object, name: str) -> Sequence[str] | None:
    """``value`` when it is ``None`` or a list of strings (a single string is refused: it would
    be read as one name per character)."""
    if value is None:
        return None
    return checked_list(value, name, "Secret names (strings)", "a Secret name (a string)",
                        item_type=str)
