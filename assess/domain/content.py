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
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Generic, Protocol, Self, TypeVar, get_args

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from assess.domain import safe_yaml
from assess.i18n import DEFAULT_LANGUAGE, LANGUAGES, languages

#: The languages a content file may be written in: every language of the registry
#: (:data:`assess.i18n.LANGUAGES`). German is added here until the registry registers it
#: (issue 15): the shipped rubrics and questionnaires already hold it.
CONTENT_LANGUAGES: tuple[str, ...] = tuple(dict.fromkeys((*LANGUAGES, "de")))


def content_languages() -> tuple[str, ...]:
    """The languages a content file may be written in now: :data:`CONTENT_LANGUAGES` and any
    language the registry has gained since (one added from files by ``ASSESS_LANGUAGE_DIRS``,
    :func:`assess.i18n.reload`), so that an installation's questionnaire may be written in it."""
    return tuple(dict.fromkeys((*CONTENT_LANGUAGES, *languages())))

Path_ = tuple[str | int, ...]

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a content file, located by line."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(Exception):
    """A content file could not be loaded; ``problems`` says where and why."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


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
        return None, Locator(lines), [Problem(file, problem.line, problem.message)]
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
                    problems.append(
                        Problem(file, key_node.start_mark.line + 1, f"duplicate key '{key}'")
                    )
                lines[child] = key_node.start_mark.line + 1
                result[key] = build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*path, index)) for index, item in enumerate(node.value)]
        return safe_yaml.construct(loader, node)

    try:
        return build(root, ()), Locator(lines), problems
    except safe_yaml.YamlProblem as problem:
        return None, Locator(lines), [*problems, Problem(file, problem.line, problem.message)]


def _describe(error: Mapping[str, Any]) -> str:
    loc = error["loc"]
    kind = error["type"]
    field = ".".join(str(part) for part in loc)
    if kind in ("missing_translation", "unknown_language"):
        where = [part for part in loc if part != "[key]"]
        known = ""
        if kind == "unknown_language":
            where, known = where[:-1], f" (known: {', '.join(content_languages())})"
        return str(error["msg"]) + (f" in {'.'.join(map(str, where))}" if where else "") + known
    if kind == "missing":
        return f"missing key '{loc[-1]}'" + (f" in {'.'.join(map(str, loc[:-1]))}" if len(loc) > 1 else "")
    if kind == "extra_forbidden":
        return f"unknown key '{loc[-1]}'" + (f" in {'.'.join(map(str, loc[:-1]))}" if len(loc) > 1 else "")
    message = error["msg"].removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


Model = TypeVar("Model", bound=BaseModel)
SemanticCheck = Callable[[Any], Iterable[tuple[Path_, str]]]


def load_content(
    *,
    text: str,
    file: str,
    model: type[Model],
    checks: Iterable[SemanticCheck] = (),
) -> Model:
    """Load and check one content file; raise :class:`ContentError` listing every problem.

    ``checks`` receive the validated model and yield ``(path, message)`` pairs for the
    rules a schema cannot express (duplicate ids, references, totals).
    """
    data, locator, problems = _compose(text, file)
    if problems:
        raise ContentError(problems)
    if not isinstance(data, dict):
        raise ContentError([Problem(file, 1, "the file must hold a mapping of keys to values")])
    try:
        document = model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(
            Problem(file, locator.line(error["loc"]), _describe(error))
            for error in exc.errors(include_url=False)
        ) from None
    semantic = [
        Problem(file, locator.line(path), message)
        for check in checks
        for path, message in check(document)
    ]
    if semantic:
        raise ContentError(semantic)
    return document


def load_content_file(path: Path | str, *, model: type[Model], checks: Iterable[SemanticCheck] = ()) -> Model:
    path = Path(path)
    try:
        with path.open("rb") as file:
            data = file.read(safe_yaml.MAX_BYTES + 1)  # a larger file is refused without being read whole
        if len(data) > safe_yaml.MAX_BYTES:
            raise ContentError([Problem(str(path), 1, f"the file is larger than {safe_yaml.MAX_BYTES // 1024:,} KB")])
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(str(path), 1, f"cannot read file: {exc}")]) from None
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
    (one line naming the folder) instead of showing an empty list."""

    def __init__(self, message: str):
        self.problems = []
        Exception.__init__(self, message)


class Catalogue(Generic[Document]):
    """The content files of one kind installed in a folder, by id. Loading it raises
    ContentError listing every problem of every file, so a broken file is never half-used."""

    #: What the files hold, for messages ("no rubric files in ...").
    kind = "content"

    def __init__(self, documents: Iterable[Document]):
        self._by_id: dict[str, Document] = {}
        for document in documents:
            if document.id in self._by_id:
                raise ValueError(f"two files share the id '{document.id}'")
            self._by_id[document.id] = document

    @classmethod
    def load(cls, directory: Path | str, *, loader: Callable[[Path | str], Document]) -> Self:
        folder = Path(directory)
        if not folder.is_dir():
            raise CatalogueError(f"{folder}: no such folder; it must hold the {cls.kind} files (*.yaml)")
        files = sorted(folder.glob("*.yaml"))
        if not files:
            raise CatalogueError(f"{folder}: no {cls.kind} files (*.yaml) in this folder")
        loaded, problems = check_files(files, loader=loader)
        if problems:
            raise ContentError(problems)
        first_file: dict[str, Path] = {}
        for path, document in zip(files, loaded, strict=True):  # every file loaded: the lists match
            if document.id in first_file:
                raise CatalogueError(f"{path}: the id '{document.id}' is already the id of {first_file[document.id]}")
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
