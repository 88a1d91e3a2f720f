"""Content files (rubrics, questionnaires): YAML read with line numbers, checked with pydantic.

Every problem is reported as ``FILE:LINE: message`` so that the people who edit these
files (national offices, translators) can find it at once. The same loader serves every
kind of content file: define a pydantic model, call :func:`load_content`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Generic, Protocol, Self, TypeVar, get_args

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from assess.domain import safe_yaml
from assess.errors import reader_params
from assess.i18n import DEFAULT_LANGUAGE, languages, t


def content_languages() -> tuple[str, ...]:
    """The languages a content file may be written in: the registry's, read now, so that a
    language added from files (``ASSESS_LANGUAGE_DIRS``, :func:`assess.i18n.reload`) may be
    written in an installation's questionnaire too."""
    return languages()

Path_ = tuple[str | int, ...]

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class Problem:
    """One problem in a content file, located by line: a catalogue key (``content.*``) and
    its parameters, read in a person's language with :meth:`message` (as every error a
    person reads, :mod:`assess.errors`). ``at`` is the place inside the document pydantic
    named (``criteria.0.weight``), shown before the message; ``str()`` is the English
    ``FILE:LINE: message``, for logs."""

    file: str
    line: int
    key: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    at: str = ""

    def message(self, lang: str) -> str:
        """What is wrong, in ``lang`` (without the file and line)."""
        text = t(self.key, lang, **reader_params(dict(self.params), lang))
        return t("content.at", lang, at=self.at, problem=text) if self.at else text

    def located(self, lang: str) -> str:
        """``FILE:LINE: message`` in ``lang``: the form editors and compilers use, the same in every language."""
        return f"{self.file}:{self.line}: {self.message(lang)}"

    def __str__(self) -> str:
        return self.located("en")


def _in_order(problems: Iterable[Problem]) -> list[Problem]:
    """By file, line, then English text (the order the report always had)."""
    return sorted(problems, key=lambda p: (p.file, p.line, str(p)))


class ContentError(Exception):
    """A content file could not be loaded; ``problems`` says where and why, each in the
    reader's language with :meth:`message` (``str()`` is English, for logs)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = _in_order(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def message(self, lang: str) -> str:
        """Every problem, ``FILE:LINE: message`` in ``lang``, one a line."""
        return "\n".join(p.located(lang) for p in self.problems)


class StrictModel(BaseModel):
    """Base of every content model: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @property
    def digest(self) -> str:
        """Fingerprint of the *scoring structure*: every field but the wording.

        Texts (every :class:`LocalizedText` field, in every language) and the fields
        declared with :func:`wording` are left out; ids, versions, levels, weights,
        minimums, gates, rules, thresholds, themes, item types and option ids are in. So a
        translation fix or a new language keeps the digest, and a file with the same id and
        version may change its wording; a change of anything scored needs a new version.
        Two files with the same id and version must share it (assess.services._snapshots).
        Computed at each call (a copy made with ``model_copy(update=...)`` must not inherit
        its original's); a catalogue keeps its documents' digests (:attr:`Catalogue.by_digest`).
        """
        canonical = json.dumps(structure(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def wording(**kwargs: Any) -> Any:
    """A pydantic ``Field`` that is wording, not structure: left out of the digest (as every
    :class:`LocalizedText` field is), e.g. a rubric's free-text ``period``."""
    return Field(json_schema_extra={"wording": True}, **kwargs)


def _is_wording(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return (isinstance(extra, dict) and extra.get("wording") is True) or _mentions_text(info.annotation)


def _mentions_text(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, LocalizedText):
        return True
    return any(_mentions_text(arg) for arg in get_args(annotation))


def structure(value: Any) -> Any:
    """``value`` as plain JSON values without its wording: what :attr:`StrictModel.digest`
    covers. A model becomes a mapping of its structural fields, an enum its value."""
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return {name: structure(getattr(value, name)) for name, info in fields.items() if not _is_wording(info)}
    if isinstance(value, (list, tuple)):
        return [structure(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value


def _known_language(code: str) -> str:
    if code not in content_languages():
        raise PydanticCustomError("unknown_language", "unknown language '{code}'", {"code": code})
    return code


def _translation(text: str) -> str:
    if not text:
        raise PydanticCustomError("empty_translation", "empty translation")
    return text


class LocalizedText(RootModel[dict[Annotated[str, AfterValidator(_known_language)],
                                   Annotated[str, AfterValidator(_translation)]]]):
    """A text in several languages: a mapping from language code to text.

    Written in a file as ``{en: ..., fr: ..., de: ...}``. The default language
    (:data:`assess.i18n.DEFAULT_LANGUAGE`, English) is required; any other language of
    the registry is optional, and an unknown code is refused with its line. A language
    the text lacks falls back to the default language (:meth:`get`).
    """

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    @model_validator(mode="after")
    def _default_present(self) -> Self:
        if DEFAULT_LANGUAGE not in self.root:
            raise PydanticCustomError(
                "missing_translation", "missing translation '{code}'", {"code": DEFAULT_LANGUAGE})
        return self

    def get(self, lang: str) -> str:
        """The text in ``lang``; in the default language when it has none in ``lang``."""
        return self.root.get(lang) or self.root[DEFAULT_LANGUAGE]

    def __getitem__(self, lang: str) -> str:
        """The text in ``lang`` exactly (KeyError when it has none): for checks and tools;
        pages and documents use :meth:`get`."""
        return self.root[lang]

    def __contains__(self, lang: object) -> bool:
        return lang in self.root

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages this text is written in, the default language first."""
        return (DEFAULT_LANGUAGE, *(code for code in self.root if code != DEFAULT_LANGUAGE))

    def texts(self) -> tuple[str, ...]:
        """Every translation, the default language's first (to recognise a text in any)."""
        return tuple(self.root[code] for code in self.languages)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.root.items())))


class Locator:
    """Maps a path inside the loaded document (keys and list indexes) to a line number."""

    def __init__(self, lines: dict[Path_, int]):
        self._lines = lines

    def line(self, path: Iterable[str | int]) -> int:
        path = tuple(path)
        # A missing key has no line of its own: report the closest enclosing one.
        while path not in self._lines and path:
            path = path[:-1]
        return self._lines.get(path, 1)


def _compose(text: str, file: str) -> tuple[Any, Locator, list[Problem]]:
    """Parse YAML into plain Python values, remembering the line of every key and item.

    Read by :mod:`assess.domain.safe_yaml`, whose limits (size, depth, no aliases, no
    unknown tags) keep a hostile file from costing more than its size."""
    problems: list[Problem] = []
    lines: dict[Path_, int] = {}
    try:
        root, loader = safe_yaml.compose(text)
    except safe_yaml.YamlProblem as problem:
        return None, Locator(lines), [Problem(file, problem.line, problem.key, problem.params)]
    if root is None:
        return None, Locator(lines), problems

    def build(node: yaml.Node, path: Path_) -> Any:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = safe_yaml.construct(loader, key_node)
                if not isinstance(key, (str, int)):
                    key = str(key)
                child = (*path, key)
                if key in result:
                    problems.append(Problem(file, key_node.start_mark.line + 1, "content.yaml.duplicate_key", {"key": key}))
                lines[child] = key_node.start_mark.line + 1
                result[key] = build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*path, index)) for index, item in enumerate(node.value)]
        return safe_yaml.construct(loader, node)

    try:
        return build(root, ()), Locator(lines), problems
    except safe_yaml.YamlProblem as problem:
        return None, Locator(lines), [*problems, Problem(file, problem.line, problem.key, problem.params)]


#: pydantic's error types a content file can meet, each read from the catalogue as
#: ``content.schema.<type>`` with the error's ``ctx`` values (and ``input``, the value
#: refused, as written in the file) as placeholders. Any other type shows pydantic's own
#: English text (``content.schema.other``); docs/rubrics.md says so.
SCHEMA_MESSAGES: frozenset[str] = frozenset({
    # our own (PydanticCustomError): LocalizedText, ids, the mapping file's answers
    "empty_translation", "invalid_id", "yaml_boolean",
    # pydantic's
    "string_type", "int_type", "int_parsing", "int_from_float", "float_type", "float_parsing", "bool_type",
    "bool_parsing", "list_type", "tuple_type", "dict_type", "model_type", "too_short",
    "too_long", "enum", "literal_error", "greater_than_equal", "less_than_equal", "greater_than", "less_than",
})
#: Where the value refused says more than the type: the number or word written.
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _shown(value: Any) -> str:
    """A value of the file as written there (``true``, ``null``), cut short when long."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _schema_params(kind: str, error: Mapping[str, Any]) -> dict[str, Any]:
    ctx = dict(error.get("ctx") or {})
    params: dict[str, Any] = {name: _shown(value) for name, value in ctx.items() if name != "error"}
    params["input"] = _shown(error.get("input"))
    if kind in ("enum", "literal_error"):
        # pydantic writes "'a', 'b' or 'c'": the values alone, without its English "or"
        params["expected"] = ", ".join(_QUOTED.findall(str(ctx.get("expected", "")))) or params.get("expected", "")
    if kind in ("too_short", "too_long"):
        params["count"] = int(ctx.get("min_length" if kind == "too_short" else "max_length", 0))
    return params


def _schema_problem(file: str, line: int, error: Mapping[str, Any]) -> Problem:
    """A pydantic error as a :class:`Problem` with its catalogue key (:data:`SCHEMA_MESSAGES`)."""
    loc = tuple(error["loc"])
    kind = str(error["type"])
    if kind == "missing" and loc and isinstance(loc[-1], int):  # a list of fixed length, too short
        return Problem(file, line, "content.schema.missing_item",
                       {"position": loc[-1] + 1, "where": ".".join(map(str, loc[:-1]))})
    if kind in ("missing", "extra_forbidden"):
        where = ".".join(map(str, loc[:-1]))
        return Problem(file, line, f"content.schema.{kind}" + ("_in" if where else ""),
                       {"key": loc[-1] if loc else "", "where": where})
    if kind in ("missing_translation", "unknown_language"):
        parts = [part for part in loc if part != "[key]"]
        code = (error.get("ctx") or {}).get("code", "")
        params: dict[str, Any] = {"code": code}
        if kind == "unknown_language":
            parts = parts[:-1]
            params["known"] = ", ".join(content_languages())
        params["where"] = ".".join(map(str, parts))
        return Problem(file, line, f"content.schema.{kind}" + ("_in" if parts else ""), params)
    at = ".".join(map(str, loc))
    if kind in SCHEMA_MESSAGES:
        return Problem(file, line, f"content.schema.{kind}", _schema_params(kind, error), at=at)
    return Problem(file, line, "content.schema.other", {"detail": str(error["msg"]).removeprefix("Value error, ")}, at=at)


Model = TypeVar("Model", bound=BaseModel)
#: A rule a schema cannot express: what it finds as ``(path, key, params)``, the path
#: inside the document (for the line) and a catalogue key with its parameters.
Finding = tuple[Path_, str, dict[str, Any]]
SemanticCheck = Callable[[Any], Iterable[Finding]]


def load_content(
    *,
    text: str,
    file: str,
    model: type[Model],
    checks: Iterable[SemanticCheck] = (),
) -> Model:
    """Load and check one content file; raise :class:`ContentError` listing every problem.

    ``checks`` receive the validated model and yield ``(path, key, params)`` for the
    rules a schema cannot express (duplicate ids, references, totals).
    """
    data, locator, problems = _compose(text, file)
    if problems:
        raise ContentError(problems)
    if not isinstance(data, dict):
        raise ContentError([Problem(file, 1, "content.file.not_mapping")])
    try:
        document = model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(
            _schema_problem(file, locator.line(error["loc"]), error)
            for error in exc.errors(include_url=False)
        ) from None
    semantic = [
        Problem(file, locator.line(path), key, params)
        for check in checks
        for path, key, params in check(document)
    ]
    if semantic:
        raise ContentError(semantic)
    return document


def unreadable(file: str, error: OSError | UnicodeDecodeError) -> Problem:
    """Why a content file could not be read, as a :class:`Problem` of its first line."""
    if isinstance(error, UnicodeDecodeError):
        return Problem(file, 1, "content.file.not_utf8")
    if isinstance(error, FileNotFoundError):
        return Problem(file, 1, "content.file.not_found")
    if isinstance(error, IsADirectoryError):
        return Problem(file, 1, "content.file.is_folder")
    if isinstance(error, PermissionError):
        return Problem(file, 1, "content.file.no_permission")
    return Problem(file, 1, "content.file.unreadable", {"detail": error.strerror or str(error)})


def too_large(file: str) -> Problem:
    return Problem(file, 1, "content.file.too_large", {"size": safe_yaml.MAX_BYTES // 1024})


def load_content_file(path: Path | str, *, model: type[Model], checks: Iterable[SemanticCheck] = ()) -> Model:
    path = Path(path)
    try:
        with path.open("rb") as file:
            data = file.read(safe_yaml.MAX_BYTES + 1)  # a larger file is refused without being read whole
        if len(data) > safe_yaml.MAX_BYTES:
            raise ContentError([too_large(str(path))])
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([unreadable(str(path), exc)]) from None
    return load_content(text=text, file=str(path), model=model, checks=checks)


def check_files(paths: Iterable[Path | str], *, loader: Callable[[Path | str], Any]) -> tuple[list[Any], list[Problem]]:
    """Load every file with ``loader``; return what loaded and every problem of the others."""
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append(loader(path))
        except ContentError as exc:
            problems.extend(exc.problems)
    return loaded, problems


class _Identified(Protocol):
    """What a catalogue needs of a document: a content model with an ``id``."""

    @property
    def id(self) -> str: ...

    @property
    def digest(self) -> str: ...


Document = TypeVar("Document", bound=_Identified)


class CatalogueError(ContentError):
    """A folder that cannot serve as a catalogue: missing, or holding no file of its kind.
    The suite cannot work without its rubrics and questionnaires, so this is said loudly
    (one line naming the folder) instead of showing an empty list. A catalogue key
    (``content.catalogue.*``) and its parameters, read with :meth:`message`; ``str()`` is English."""

    def __init__(self, key: str, /, **params: Any):
        self.problems = []
        self.key = key
        self.params = params
        Exception.__init__(self, t(key, "en", **reader_params(params, "en")))

    def message(self, lang: str) -> str:
        return t(self.key, lang, **reader_params(self.params, lang))


class Catalogue(Generic[Document]):
    """The content files of one kind installed in a folder, by id. Loading it raises
    ContentError listing every problem of every file, so a broken file is never half-used."""

    #: What the files hold, for messages ("no rubric files in ..."): the ``content.catalogue.<kind>`` messages.
    kind = "content"

    def __init__(self, documents: Iterable[Document]):
        self._by_id: dict[str, Document] = {}
        for document in documents:
            if document.id in self._by_id:
                raise CatalogueError("content.catalogue.shared_id", id=document.id)
            self._by_id[document.id] = document

    @classmethod
    def load(cls, directory: Path | str, *, loader: Callable[[Path | str], Document]) -> Self:
        folder = Path(directory)
        if not folder.is_dir():
            raise CatalogueError(f"content.catalogue.{cls.kind}.no_folder", folder=str(folder))
        files = sorted(folder.glob("*.yaml"))
        if not files:
            raise CatalogueError(f"content.catalogue.{cls.kind}.empty", folder=str(folder))
        loaded, problems = check_files(files, loader=loader)
        if problems:
            raise ContentError(problems)
        first_file: dict[str, Path] = {}
        for path, document in zip(files, loaded, strict=True):  # every file loaded: the lists match
            if document.id in first_file:
                raise CatalogueError("content.catalogue.same_id", file=str(path), id=document.id,
                                     first=str(first_file[document.id]))
            first_file[document.id] = path
        return cls(loaded)

    def __iter__(self) -> Iterator[Document]:
        return iter(self._by_id.values())

    @cached_property
    def by_digest(self) -> dict[str, Document]:
        """The documents by digest (computed once: a catalogue never changes)."""
        return {document.digest: document for document in self}

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, document_id: str) -> bool:
        return document_id in self._by_id

    def get(self, document_id: str) -> Document:
        try:
            return self._by_id[document_id]
        except KeyError:
            known = ", ".join(sorted(self._by_id)) or "none"
            raise KeyError(f"unknown id '{document_id}' (installed: {known})") from None
