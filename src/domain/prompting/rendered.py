"""A property rendered on its first read and kept in the instance's `__dict__`.

`functools.cached_property` does the same under one lock per property, shared by every instance
of the class (up to Python 3.12): threads reading the property of different instances wait for
each other, and the lock's hand-overs cost more than most renderings. Without the lock, two
threads reading one instance's property at once may both render it; the renderings are pure, so
either result is kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class rendered(Generic[T]):
    """Decorates a method without arguments: the value it returns on the first read of the
    attribute becomes the instance's attribute (so later reads do not call this descriptor)."""

    def __init__(self, render: Callable[[Any], T]) -> None:
        self._render = render
        self._name = render.__name__
        self.__doc__ = render.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> rendered[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> rendered[T] | T:
        if instance is None:
            return self
        value = self._render(instance)
        instance.__dict__[self._name] = value
        return value
