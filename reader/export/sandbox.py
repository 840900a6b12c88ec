"""A Jinja2 sandbox with bounds: a user's template cannot exhaust memory or run forever.

Jinja2's immutable sandbox already keeps a template away from files, modules and the
attributes of Python's internals, and caps ``range()`` at 100,000 items. It does not bound
what a template can build or how long it can loop: ``{{ "x" * 4000000000 }}`` asks for
4 GB in one step, ``{{ "x" | center(4000000000) }}`` too, and two nested ``range`` loops
run 10¹⁰ times. Here:

- every operation that can make one large value in one step is checked *before* it runs:
  ``*``, ``**``, ``+``, ``%`` and ``~`` on strings and lists, every filter and method call
  given a number above :data:`MAX_CHARS` (``center``, ``ljust``, ``indent``, ``wordwrap``…)
  or a format string with a huge width (``"%999999999d"``, ``"{:>999999999}"``);
- the output is produced piece by piece and stopped past :data:`MAX_CHARS`;
- a render running longer than its time limit is stopped at the template's next step (a
  watchdog thread raises :class:`TemplateTimeout` in the rendering thread, which is how a
  loop that prints nothing is stopped too).

Each refusal is a :class:`TemplateLimitError` with a sentence for people.
"""

from __future__ import annotations

import ctypes
import math
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Concat
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_CHARS = 16_000_000
"""The most characters (or list items) one value or one note may have: a 5-million
character note of the user's, its abstract and everything around it fit easily."""
MAX_ARGUMENT = 1_000_000
"""The largest number a filter or method may be given (a width, a count, a length)."""
TIME_LIMIT = 10.0
"""Seconds one note may take to render."""
_HUGE_WIDTH = re.compile(r"%[-#0 +]*(?:\*|\d{7,})|\{[^{}]*?\d{7,}[^{}]*\}|%[-#0 +]*\d*\.\d{7,}")


class TemplateLimitError(SecurityError):
    """A template asked for more than a note may hold, or took too long."""


class TemplateTimeout(BaseException):
    """Raised inside a render that ran past its time limit (never escapes :func:`deadline`)."""


def _size(value: object) -> int:
    return len(value) if isinstance(value, str | list | tuple | bytes) else 0


def _refuse(what: str) -> TemplateLimitError:
    return TemplateLimitError(f"{what} would be larger than {MAX_CHARS:,} characters")


def _check_repeat(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if (
            isinstance(seq, str | list | tuple)
            and isinstance(count, int)
            and len(seq) * max(count, 0) > MAX_CHARS
        ):
            raise _refuse("repeating a text or list")


def _check_power(left: Any, right: Any) -> None:
    if (
        isinstance(left, int)
        and isinstance(right, int)
        and abs(left) > 1
        and right > 0
        and right * math.log2(abs(left)) > 64_000
    ):
        raise TemplateLimitError("a power this large cannot be computed in a note")


def _check_join(*values: Any) -> None:
    if sum(_size(v) for v in values) > MAX_CHARS:
        raise _refuse("joining texts")


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _HUGE_WIDTH.search(text):
        raise TemplateLimitError("a format width or precision this large is not allowed")


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
            raise TemplateLimitError(
                f"the number {value} is larger than a filter or method may be given "
                f"(at most {MAX_ARGUMENT:,})"
            )


def _check_result(value: Any) -> Any:
    if _size(value) > MAX_CHARS:
        raise _refuse("the result")
    return value


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to a size-checked join (Jinja2 would call ``str_join`` directly)."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus the bounds of this module's docstring."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded_filter(f) for name, f in self.filters.items()}
        # lipsum(n) writes n paragraphs of filler: nothing a note needs, and unbounded.
        self.globals.pop("lipsum", None)

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        """Check a ``*``, ``**``, ``+`` or ``%`` before it runs."""
        if operator == "*":
            _check_repeat(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "+":
            _check_join(left, right)
        elif operator == "%":
            _check_format(left)
        return super().call_binop(context, operator, left, right)

    def call(
        __self,
        __context: jinja2.runtime.Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        """Check a call's numbers (and format strings) before it runs, and its result after."""
        _check_arguments(args, kwargs)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            _check_str_method(owner, getattr(__obj, "__name__", ""), args)
        return _check_result(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Refuse ``"{:>999999999}".format`` when it is looked up (Jinja2 wraps it there)."""
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and getattr(value, "__name__", "") in {"format", "format_map"}:
            _check_format(owner)
        return super().wrap_str_format(value)

    def bounded_concat(self, values: tuple[Any, ...]) -> str:
        """``a ~ b ~ …``, refused before it would make a text too large."""
        parts = [str(v) for v in values]
        _check_join(*parts)
        return "".join(parts)

    def render_bounded(self, template: jinja2.Template, context: dict[str, Any]) -> str:
        """Render ``template``, stopping once the output passes :data:`MAX_CHARS`."""
        pieces: list[str] = []
        total = 0
        for piece in template.generate(context):
            total += len(piece)
            if total > MAX_CHARS:
                raise _refuse("the note")
            pieces.append(piece)
        return "".join(pieces)


def _bounded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        if function.__name__ == "do_format" and args:
            _check_format(args[0])
        if function.__name__ == "do_replace":
            _check_replace(args)
        return _check_result(function(*args, **kwargs))

    for attribute in ("jinja_pass_arg",):
        if hasattr(function, attribute):
            setattr(bounded, attribute, getattr(function, attribute))
    bounded.__name__ = function.__name__
    bounded.__doc__ = function.__doc__
    return bounded


def _check_str_method(text: str, name: str, args: tuple[Any, ...]) -> None:
    """Refuse ``str`` methods whose result would be too large, before they run."""
    if name in {"format", "format_map"}:
        _check_format(text)
    elif name == "replace":
        _check_replace((text, *args))
    elif name == "join" and args and isinstance(args[0], list | tuple):
        items = args[0]
        if len(text) * max(len(items) - 1, 0) + sum(_size(i) for i in items) > MAX_CHARS:
            raise _refuse("joining texts")
    elif name == "expandtabs":
        size = args[0] if args and isinstance(args[0], int) else 8
        if len(text) + text.count("\t") * max(size, 0) > MAX_CHARS:
            raise _refuse("expanding tabs")


def _check_replace(args: tuple[Any, ...]) -> None:
    # do_replace(eval_ctx, s, old, new, count=None)
    strings = [a for a in args if isinstance(a, str)]
    if len(strings) >= 3:
        text, old, new = strings[:3]
        occurrences = len(text) + 1 if old == "" else text.count(old)
        if len(text) + occurrences * max(len(new) - len(old), 0) > MAX_CHARS:
            raise _refuse("replacing text")


def time_limit_message(seconds: float) -> str:
    """What a render stopped by its time limit says."""
    return f"the template ran longer than {seconds:g} seconds for one note (a loop too large?)"


class Watchdog:
    """Stops renders that run too long: one daemon thread serving every render in the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._running: dict[int, float] = {}  # thread id → deadline (monotonic)
        self._fired: set[int] = set()
        self._thread: threading.Thread | None = None

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Run the body with a time limit; raises :class:`TemplateLimitError` past it."""
        ident = threading.get_ident()
        with self._wake:
            self._fired.discard(ident)
            self._running[ident] = time.monotonic() + seconds
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._watch, name="template-watchdog", daemon=True
                )
                self._thread.start()
            self._wake.notify()
        timed_out = False
        try:
            yield
        except TemplateTimeout:
            timed_out = True
        finally:
            with self._wake:
                self._running.pop(ident, None)
                fired = ident in self._fired
                self._fired.discard(ident)
            if fired and not timed_out:
                try:
                    _absorb()  # a stop sent but not yet raised is raised here, not later
                except TemplateTimeout:
                    timed_out = True
        if timed_out:
            raise TemplateLimitError(time_limit_message(seconds))

    def _watch(self) -> None:
        with self._wake:
            while True:
                now = time.monotonic()
                for ident, due in list(self._running.items()):
                    if due <= now:
                        del self._running[ident]
                        self._fired.add(ident)
                        _set_async_exc(ident, TemplateTimeout)
                soonest = min(self._running.values(), default=now + 60)
                self._wake.wait(max(soonest - now, 0.005))


def _set_async_exc(ident: int, exc: type[BaseException]) -> None:
    """Have ``exc`` raised in thread ``ident`` at its next step (CPython's own mechanism)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc))


def _absorb() -> None:
    """Give a pending asynchronous exception the steps it needs to be raised, right here.

    CPython raises it at the next backward jump or call; a short loop provides many.
    """
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        pass


WATCHDOG = Watchdog()
