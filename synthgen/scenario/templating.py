"""A tiny, safe template language for scenario strings (not Jinja: nothing is ever evaluated).

A template is text with ``{{ expression }}`` holes. An expression is one of

* ``persona.<field>``          a field of the session's persona (``persona.email``)
* ``var.<name>`` or ``<name>``  a scenario variable (rendered once per session)
* ``captured.<name>``          a value a ``capture`` step stored earlier in the session
* ``data.<column>``            the session's row of the scenario's data file
* ``faker.<provider>(args)``   an allow-listed Faker provider; args are literals only
  (numbers, quoted strings, true/false/none), positional or ``key=value``; ``()`` may be omitted
* ``"literal"``                a quoted string (how to write literal braces: ``{{ "{{" }}``)

each followed by any number of filters: ``| upper``, ``| lower``, ``| title``, ``| capitalize``,
``| strip``, ``| urlencode``, ``| digits``.

Safety comes from the grammar, not from sandboxing: the parser is hand-written, the only names that
resolve are the five roots above, lookups are dictionary lookups (never ``getattr``) except Faker
providers, which must be in :data:`FAKER_PROVIDERS`; names starting with ``_`` are refused, and
statement blocks (``{% %}``) do not exist.

>>> from faker import Faker
>>> ctx = TemplateContext(persona={"first_name": "Ada"}, faker=Faker())
>>> render("Hi {{ persona.first_name | upper }}!", ctx)
'Hi ADA!'
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Optional, Union
from urllib.parse import quote

from faker import Faker

from synthgen.errors import TemplateError
from synthgen.scenario.fakedates import DATE_PROVIDERS, call_date_provider

__all__ = [
    "ROOTS", "FAKER_PROVIDERS", "FILTERS", "MAX_TEMPLATE_CHARS",
    "Expr", "Template", "TemplateContext",
    "parse_template", "render", "render_target", "render_variables", "template_sources", "has_template",
]

#: namespaces an expression may start with (a bare name is a scenario variable)
ROOTS: tuple[str, ...] = ("persona", "var", "captured", "data", "faker")

#: harmless Faker providers: they only draw from the seeded random generator and return text or
#: numbers (no files, no network, no clock: the date providers are replaced, see fakedates.py)
FAKER_PROVIDERS: frozenset[str] = frozenset({
    # people
    "name", "first_name", "last_name", "first_name_male", "first_name_female", "last_name_male",
    "last_name_female", "name_male", "name_female", "prefix", "suffix", "job",
    # contact
    "email", "free_email", "safe_email", "company_email", "user_name", "phone_number", "msisdn",
    "password",
    # places
    "address", "street_address", "street_name", "building_number", "secondary_address", "city",
    "state", "state_abbr", "postcode", "zipcode", "country", "country_code", "latitude", "longitude",
    # companies and commerce
    "company", "company_suffix", "catch_phrase", "bs", "currency_code", "currency_name",
    "credit_card_number", "credit_card_provider", "credit_card_security_code", "iban", "bban",
    "ean13", "isbn13", "license_plate",
    # text
    "word", "words", "sentence", "sentences", "paragraph", "paragraphs", "text",
    # numbers and patterns
    "pyint", "random_int", "random_digit", "random_digit_not_null", "random_number", "pyfloat",
    "pybool", "numerify", "lexify", "bothify", "hexify", "uuid4", "boolean",
    # internet
    "url", "uri", "domain_name", "domain_word", "hostname", "safe_domain_name", "slug", "tld",
    "file_name", "file_extension", "mime_type",
    # misc
    "color_name", "hex_color", "safe_color_name", "language_name",
}) | frozenset(DATE_PROVIDERS)

#: filters: name -> function on the rendered text
FILTERS = {
    "upper": str.upper,
    "lower": str.lower,
    "title": str.title,
    "capitalize": str.capitalize,
    "strip": str.strip,
    "urlencode": lambda s: quote(s, safe=""),
    "digits": lambda s: "".join(ch for ch in s if ch.isdigit()),
}

#: longest template text accepted (a scenario string); longer text is almost surely a mistake
MAX_TEMPLATE_CHARS = 20_000
_MAX_EXPR_CHARS = 500

# count-like arguments are capped so that a template cannot ask Faker for megabytes of text
_ARG_LIMITS = {"nb": 100, "nb_words": 200, "nb_sentences": 100, "max_nb_chars": 20_000,
               "length": 1_000, "digits": 30, "right_digits": 15, "left_digits": 15}
_NUM_LIMIT = 10**15

_GENERIC_FIX = ("an expression is persona.<field>, var.<name>, captured.<name>, data.<column>, "
                "faker.<provider>(...), a variable name or a \"quoted string\", then optional | filters")
_LIST_SEP = {"paragraphs": "\n", "sentences": " ", "words": " "}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<op>[.(),=|-])
""", re.VERBOSE)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}
_KEYWORDS = {"true": True, "True": True, "false": False, "False": False,
             "none": None, "None": None, "null": None}


@dataclass(frozen=True)
class Expr:
    """One ``{{ ... }}`` hole, parsed.

    ``root`` is one of :data:`ROOTS` or ``"literal"``; ``name`` the field, variable, provider, or
    the literal text.

    >>> parse_template("{{ faker.words(2) | upper }}").parts[0].source_name
    'faker.words'
    """

    root: str
    name: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    filters: tuple[str, ...] = ()
    text: str = ""

    @property
    def source_name(self) -> str:
        """``root.name`` (``""`` for a literal)."""
        return "" if self.root == "literal" else f"{self.root}.{self.name}"


@dataclass(frozen=True)
class Template:
    """A parsed template: literal text pieces and :class:`Expr` holes, in order.

    >>> t = parse_template("Re: {{ subject }}")
    >>> [p if isinstance(p, str) else p.source_name for p in t.parts]
    ['Re: ', 'var.subject']
    """

    source: str
    parts: tuple[Union[str, Expr], ...]

    @property
    def exprs(self) -> tuple[Expr, ...]:
        """The holes only."""
        return tuple(p for p in self.parts if isinstance(p, Expr))

    @property
    def is_literal(self) -> bool:
        """True if there is nothing to substitute."""
        return not self.exprs


@dataclass
class TemplateContext:
    """What templates may read during one session.

    ``faker`` must be seeded by the caller (``faker.seed_instance(seed)``); ``now`` is the synthetic
    session start, the reference for the date providers (never the wall clock).

    >>> TemplateContext(faker=Faker()).captured
    {}
    """

    persona: dict[str, str] = field(default_factory=dict)
    faker: Faker = field(default_factory=Faker)
    variables: dict[str, str] = field(default_factory=dict)
    captured: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    now: datetime = datetime(2024, 1, 1, 9, 0, 0)


def has_template(text: str) -> bool:
    """True if ``text`` contains template syntax (``{{``, ``{%`` or ``{#``).

    >>> has_template("plain"), has_template("{{ x }}")
    (False, True)
    """
    return "{" in text and any(m in text for m in ("{{", "{%", "{#"))


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _err(problem: str, fix: Optional[str] = None) -> TemplateError:
    return TemplateError(problem, fix=fix or _GENERIC_FIX)


def _tokenize(src: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if not m:
            ch = src[pos]
            if ch in "{}":
                raise _err(f"unexpected '{ch}' inside '{{{{ {src.strip()} }}}}' (templates do not nest)",
                           "write one {{ expression }} per value; for literal braces use {{ \"{{\" }}")
            if ch in "\"'":
                raise _err(f"unterminated string in '{{{{ {src.strip()} }}}}'",
                           "close the quote on the same line")
            raise _err(f"unexpected character {ch!r} in '{{{{ {src.strip()} }}}}'")
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append((kind, m.group()))
        pos = m.end()
    return tokens


def _unquote(tok: str) -> str:
    body = tok[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


class _Parser:
    """Recursive-descent parser for one expression (the text between ``{{`` and ``}}``)."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.toks = _tokenize(src)
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i] if self.i < len(self.toks) else ("end", "")

    def take(self, kind: str, value: Optional[str] = None, what: str = "") -> str:
        k, v = self.peek()
        if k != kind or (value is not None and v != value):
            shown = "the end" if k == "end" else repr(v)
            raise _err(f"expected {what or repr(value) or kind} but found {shown} in '{{{{ {self.src.strip()} }}}}'")
        self.i += 1
        return v

    def name(self, what: str) -> str:
        n = self.take("name", what=what)
        if n.startswith("_"):
            raise _err(f"names starting with '_' are not allowed ({n!r} in '{{{{ {self.src.strip()} }}}}')",
                       "templates read only persona, var, captured, data and allow-listed faker providers")
        return n

    def parse(self) -> Expr:
        if not self.toks:
            raise _err("empty expression '{{ }}'", "write a value such as {{ persona.email }}")
        k, v = self.peek()
        if k == "str":
            self.i += 1
            expr = Expr("literal", _unquote(v))
            if self.peek() == ("op", "."):
                raise _err(f"a quoted string has no attributes ('{{{{ {self.src.strip()} }}}}')",
                           "use a filter instead, e.g. {{ \"text\" | upper }}")
        elif k == "name":
            expr = self.ref()
        else:
            raise _err(f"unexpected {v!r} at the start of '{{{{ {self.src.strip()} }}}}'")
        filters: list[str] = []
        while self.peek() == ("op", "|"):
            self.i += 1
            f = self.name("a filter name after '|'")
            if f not in FILTERS:
                hint = _did_you_mean(f, FILTERS)
                raise _err(f"unknown filter '{f}'",
                           f"{hint + ' ' if hint else ''}filters: {', '.join(FILTERS)}")
            filters.append(f)
        if self.peek()[0] != "end":
            k, v = self.peek()
            if (k, v) == ("op", "(") :
                raise _err(f"only faker providers can be called ('{{{{ {self.src.strip()} }}}}')")
            if (k, v) == ("op", "."):
                raise _err(f"too many '.' in '{{{{ {self.src.strip()} }}}}'",
                           "one level only: persona.<field>, faker.<provider>(...); use | filters to transform")
            raise _err(f"unexpected {v!r} in '{{{{ {self.src.strip()} }}}}'")
        return Expr(expr.root, expr.name, expr.args, expr.kwargs, tuple(filters), self.src.strip())

    def ref(self) -> Expr:
        first = self.name("a name")
        if self.peek() != ("op", "."):
            if first in ROOTS:
                raise _err(f"'{first}' needs a field: '{first}.<name>'",
                           "e.g. {{ persona.email }}, {{ faker.name() }}, {{ data.city }}")
            return Expr("var", first)  # a bare name is a scenario variable
        if first not in ROOTS:
            hint = _did_you_mean(first, ROOTS)
            raise _err(f"unknown name '{first}' (only {', '.join(ROOTS)} have fields)",
                       f"{hint + ' ' if hint else ''}{_GENERIC_FIX}")
        self.i += 1
        second = self.name(f"a field name after '{first}.'")
        if first != "faker":
            if self.peek() == ("op", "("):
                raise _err(f"'{first}.{second}' is a value, not a function", "drop the '(...)'")
            return Expr(first, second)
        if second not in FAKER_PROVIDERS:
            hint = _did_you_mean(second, FAKER_PROVIDERS)
            raise _err(f"unknown faker provider '{second}'",
                       hint or f"allowed providers: {', '.join(sorted(FAKER_PROVIDERS))}")
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        if self.peek() == ("op", "("):
            self.i += 1
            while self.peek() != ("op", ")"):
                k, v = self.peek()
                if k == "name" and v not in _KEYWORDS and self.toks[self.i + 1:self.i + 2] == [("op", "=")]:
                    key = self.name("an argument name")
                    self.i += 1
                    if key in kwargs:
                        raise _err(f"argument '{key}' given twice in 'faker.{second}(...)'")
                    kwargs[key] = self.literal(second)
                else:
                    if kwargs:
                        raise _err(f"positional argument after keyword argument in 'faker.{second}(...)'",
                                   "put positional arguments first")
                    args.append(self.literal(second))
                if self.peek() == ("op", ","):
                    self.i += 1
                elif self.peek() != ("op", ")"):
                    self.take("op", ")", "',' or ')'")
            self.i += 1
        _check_call(second, tuple(args), kwargs)
        return Expr("faker", second, tuple(args), tuple(sorted(kwargs.items())))

    def literal(self, provider: str) -> Any:
        k, v = self.peek()
        neg = False
        if (k, v) == ("op", "-"):
            neg, self.i = True, self.i + 1
            k, v = self.peek()
        self.i += 1
        if k == "num":
            num: Any = float(v) if any(c in v for c in ".eE") else int(v)
            if abs(num) > _NUM_LIMIT:
                raise _err(f"number {v} is too large in 'faker.{provider}(...)'")
            return -num if neg else num
        if not neg and k == "str":
            return _unquote(v)
        if not neg and k == "name" and v in _KEYWORDS:
            return _KEYWORDS[v]
        self.i -= 1
        shown = "the end" if k == "end" else repr(v)
        raise _err(f"arguments of faker.{provider} must be literals (numbers, \"strings\", true/false, "
                   f"none), not {shown}")


@functools.lru_cache(maxsize=None)
def _signature(provider: str) -> inspect.Signature:
    if provider in DATE_PROVIDERS:
        sig = inspect.signature(DATE_PROVIDERS[provider])
        return sig.replace(parameters=list(sig.parameters.values())[2:])  # drop (rng, now)
    return inspect.signature(getattr(_introspection_faker(), provider))


@functools.lru_cache(maxsize=1)
def _introspection_faker() -> Faker:
    # used only to read provider signatures at load time, never to produce output
    return Faker("en_US")


def _check_call(provider: str, args: tuple, kwargs: dict) -> None:
    try:
        sig = _signature(provider)
    except (AttributeError, ValueError, TypeError):
        raise _err(f"faker provider '{provider}' is not available in this Faker version") from None
    params = [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    shown = ", ".join(p.name for p in params) or "no arguments"
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as e:
        raise _err(f"faker.{provider}(...): {e}", f"faker.{provider} takes ({shown})") from None
    for key, val in bound.arguments.items():
        limit = _ARG_LIMITS.get(key)
        if limit is not None and isinstance(val, (int, float)) and not isinstance(val, bool) and abs(val) > limit:
            raise _err(f"faker.{provider}({key}={val}): {key} is capped at {limit}",
                       f"use {key}={limit} or less")


def _find_close(text: str, start: int) -> int:
    """Index of the ``}}`` closing an expression, skipping quoted strings (-1 if none)."""
    quote = ""
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote or ch == "\n":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif text.startswith("}}", i):
            return i
        i += 1
    if quote:
        raise _err(f"unterminated string in '{text[start - 2:start + 40]}'", "close the quote")
    return -1


def _split(text: str) -> tuple[Union[str, Expr], ...]:
    parts: list[Union[str, Expr]] = []
    buf: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        j = text.find("{", i)
        if j < 0 or j == n - 1:
            buf.append(text[i:])
            break
        buf.append(text[i:j])
        nxt = text[j + 1]
        if nxt == "%":
            raise _err("'{% ... %}' blocks are not supported (templates only substitute values)",
                       "use {{ expressions }}; loops and conditions belong in repeat/choice/optional steps")
        if nxt == "#":
            raise _err("'{# ... #}' comments are not supported in templates",
                       "put comments in YAML with '#' outside the quoted string")
        if nxt != "{":
            buf.append("{")
            i = j + 1
            continue
        end = _find_close(text, j + 2)
        if end < 0:
            raise _err(f"unclosed '{{{{' at column {j + 1}",
                       "close it with '}}', or write {{ \"{{\" }} for literal braces")
        inner = text[j + 2:end]
        if len(inner) > _MAX_EXPR_CHARS:
            raise _err(f"expression at column {j + 1} is longer than {_MAX_EXPR_CHARS} characters")
        if buf:
            parts.append("".join(buf))
            buf = []
        parts.append(_Parser(inner).parse())
        i = end + 2
    if buf and "".join(buf):
        parts.append("".join(buf))
    # merge neighbouring literal pieces (quoted-string holes become text)
    merged: list[Union[str, Expr]] = []
    for p in parts:
        if isinstance(p, Expr) and p.root == "literal" and not p.filters:
            p = p.name
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        elif p != "":
            merged.append(p)
    return tuple(merged)


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Template:
    return Template(text, _split(text))


def parse_template(text: str) -> Template:
    """Parse (and validate) a template; raises :class:`TemplateError` with a fix.

    >>> parse_template("{{ faker.nme }}")
    Traceback (most recent call last):
    ...
    synthgen.errors.TemplateError: unknown faker provider 'nme'; did you mean 'name'?
    """
    if not isinstance(text, str):
        raise _err(f"a template must be text, not {type(text).__name__}", "quote the value")
    if len(text) > MAX_TEMPLATE_CHARS:
        raise _err(f"text of {len(text)} characters is longer than the {MAX_TEMPLATE_CHARS} allowed",
                   "shorten it, or use faker.text(max_nb_chars=...) for long filler")
    if not has_template(text):
        return Template(text, (text,) if text else ())
    return _parse_cached(text)


def _to_text(provider: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return _LIST_SEP.get(provider, " ").join(_to_text(provider, v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _lookup(table: dict[str, str], name: str, what: str, fix: str) -> str:
    try:
        value = table[name]
    except KeyError:
        hint = _did_you_mean(name, table)
        avail = ", ".join(sorted(table)) or "none"
        raise TemplateError(f"{what} '{name}' is not set",
                            fix=f"{hint + ' ' if hint else ''}{fix} (available: {avail})") from None
    return value if isinstance(value, str) else _to_text("", value)


def _eval(expr: Expr, ctx: TemplateContext) -> str:
    if expr.root == "literal":
        out = expr.name
    elif expr.root == "persona":
        out = _lookup(ctx.persona, expr.name, "persona field", "use a persona field")
    elif expr.root == "var":
        out = _lookup(ctx.variables, expr.name, "variable", "declare it under variables:")
    elif expr.root == "captured":
        out = _lookup(ctx.captured, expr.name, "captured value",
                      "a capture step with this name must run before this step")
    elif expr.root == "data":
        out = _lookup(ctx.data, expr.name, "data column", "add the column to the data file")
    elif expr.root == "faker" and expr.name in FAKER_PROVIDERS:
        kwargs = dict(expr.kwargs)
        try:
            if expr.name in DATE_PROVIDERS:
                value: Any = call_date_provider(expr.name, ctx.faker.random, ctx.now, expr.args, kwargs)
            else:
                value = getattr(ctx.faker, expr.name)(*expr.args, **kwargs)
        except Exception as e:  # Faker raises many kinds on bad argument values
            raise TemplateError(f"faker.{expr.name} failed: {type(e).__name__}: {e}",
                                fix="check the argument values") from None
        out = _to_text(expr.name, value)
    else:  # unreachable for parsed templates; refuse rather than guess
        raise TemplateError(f"cannot evaluate '{expr.text}'")
    for f in expr.filters:
        out = FILTERS[f](out)
    return out


def render(template: Union[str, Template], ctx: TemplateContext) -> str:
    """Render a template (text or parsed) in a context.

    >>> render("{{ a }}-{{ var.b }}", TemplateContext(variables={"a": "1", "b": "2"}))
    '1-2'
    """
    t = template if isinstance(template, Template) else parse_template(template)
    if t.is_literal:
        return "".join(p for p in t.parts if isinstance(p, str))
    return "".join(p if isinstance(p, str) else _eval(p, ctx) for p in t.parts)


def render_variables(variables: dict[str, str], ctx: TemplateContext) -> dict[str, str]:
    """Render scenario variables once (for one session), in dependency order.

    Variables may use other variables; ``ctx.variables`` is ignored and the result is what to put
    there. Cycles raise :class:`TemplateError` (the loader rejects them earlier).

    >>> render_variables({"a": "x", "b": "{{ a }}{{ a }}"}, TemplateContext())
    {'a': 'x', 'b': 'xx'}
    """
    done: dict[str, str] = {}
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise TemplateError(f"variable '{name}' refers to itself (through other variables)",
                                fix="break the cycle")
        visiting.add(name)
        tpl = parse_template(variables[name])
        for e in tpl.exprs:
            if e.root == "var" and e.name in variables:
                visit(e.name)
        local = TemplateContext(persona=ctx.persona, faker=ctx.faker, variables=done,
                                captured=ctx.captured, data=ctx.data, now=ctx.now)
        try:
            done[name] = render(tpl, local)
        except TemplateError as exc:  # name the variable: the session's error is all the user sees
            raise TemplateError(f"variable '{name}': {exc.problem}", fix=exc.fix) from exc
        visiting.discard(name)

    for name in variables:  # declaration order keeps the faker draws reproducible
        visit(name)
    return {k: done[k] for k in variables}


def template_sources(text: str) -> list[str]:
    """The values a template reads, in order of first use, for audits.

    >>> template_sources("{{ persona.email }} {{ faker.name() }} {{ subject | upper }}")
    ['persona.email', 'faker.name', 'var.subject']
    """
    out: list[str] = []
    for e in parse_template(text).exprs:
        if e.source_name and e.source_name not in out:
            out.append(e.source_name)
    return out


def render_target(target: Any, ctx: TemplateContext) -> Any:
    """A :class:`~synthgen.scenario.steps.Target` with its text fields rendered (same object if
    none holds a template).

    >>> from synthgen.scenario.steps import Target
    >>> render_target(Target(text="Order {{ captured.no }}"), TemplateContext(captured={"no": "7"})).text
    'Order 7'
    """
    updates = {k: render(v, ctx) for k, v in target.model_dump(exclude_none=True).items()
               if isinstance(v, str) and has_template(v)}
    within = getattr(target, "within", None)
    if within is not None and render_target(within, ctx) is not within:
        updates["within"] = render_target(within, ctx)
    return target.model_copy(update=updates) if updates else target
