"""The one read-only base of every typed event view (SMA invocations, S3 notifications,
EventBridge events, Kinesis records), in the spirit of Powertools' ``DictWrapper``.

A view keeps the raw event as it came and reads fields on demand; it never changes it. Fields are
read with :meth:`EventView._text` (a string, ``""`` when absent, null or empty) and
:meth:`EventView._object` (a nested object, ``{}`` when absent or not an object), so a view is
never the place where a malformed event raises ``KeyError``/``TypeError``.

:class:`EventBridgeView` holds the EventBridge envelope check, written once: the ``source`` and
``detail-type`` the view accepts and a ``detail`` object ("Amazon EventBridge events" in the
EventBridge user guide: every event carries ``source``, ``detail-type`` and ``detail``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from chalicelib.errors import InvalidEventError


class EventView:
    """A read-only view over one raw event (or one record of it)."""

    raw: Mapping[str, Any]

    def __init__(self, raw: Mapping[str, Any]) -> None:
        object.__setattr__(self, "raw", raw)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.raw)!r})"

    def _text(self, key: str, within: Mapping[str, Any] | None = None) -> str:
        value = (self.raw if within is None else within).get(key)
        return str(value or "")

    def _object(self, key: str, within: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        value = (self.raw if within is None else within).get(key)
        # A dict (what json.loads gives) without the ABC check; any other Mapping with it.
        return value if type(value) is dict or isinstance(value, Mapping) else {}


class EventBridgeView(EventView):
    """An EventBridge event of one ``SOURCE`` and one of ``DETAIL_TYPES``; the envelope is
    checked when the view is made, so a wrongly routed event fails at the boundary."""

    SOURCE: ClassVar[str]
    DETAIL_TYPES: ClassVar[tuple[str, ...]]
    ROUTING_HINT: ClassVar[str] = "check the EventBridge rule pattern that targets this function"

    def __init__(self, raw: Mapping[str, Any]) -> None:
        super().__init__(raw)
        source, detail_type = raw.get("source"), raw.get("detail-type")
        if source != self.SOURCE or detail_type not in self.DETAIL_TYPES:
            wanted = " or ".join(repr(t) for t in self.DETAIL_TYPES)
            raise InvalidEventError(
                f"expected a {self.SOURCE} {wanted} event, got source={source!r} "
                f"detail-type={detail_type!r}",
                hint=self.ROUTING_HINT,
            )
        if not isinstance(raw.get("detail"), Mapping):
            raise InvalidEventError(f"the {detail_type!r} event has no detail object")

    @property
    def detail_type(self) -> str:
        return self._text("detail-type")

    @property
    def detail(self) -> Mapping[str, Any]:
        return self._object("detail")

    @classmethod
    def looks_like(cls, raw: Mapping[str, Any]) -> bool:
        """The envelope is this view's (whether or not the detail is usable)."""
        return raw.get("source") == cls.SOURCE and raw.get("detail-type") in cls.DETAIL_TYPES
