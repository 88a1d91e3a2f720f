"""The one YAML reader of the suite: content files (rubrics, questionnaires) and the mapping
files teachers upload with an import.

YAML is a rich format and a small file can ask for a lot: aliases that repeat each other
(the "billion laughs": 370 bytes that stand for a billion strings), nesting deep enough to
exhaust Python's stack, tags that name Python objects, integers too long for Python to
convert. None of that has a use in our files, so the reader refuses it before any work
grows, each refusal located (:class:`YamlProblem` carries the line):

- a file over :data:`MAX_BYTES`;
- anchors and aliases (``&name``, ``*name``): the shipped rubrics and questionnaires use
  none, and refusing them outright is simpler to explain than a budget;
- nesting deeper than :data:`MAX_DEPTH` (the shipped files nest 6 levels);
- a scalar longer than :data:`MAX_SCALAR` characters (the longest shipped text has 491);
- any tag the safe loader does not know (``!!python/object``, ``!foo``);
- a value its tag cannot hold (an integer of more than 4,300 digits, which Python refuses
  to convert, or ``!!int abc``).

Pure: no database, no pages.
"""

from __future__ import annotations

from typing import Any, cast

import yaml

from assess.i18n import t

#: Content and mapping files are a few kilobytes; the largest shipped one is under 40 KB.
MAX_BYTES = 1024 * 1024
#: Levels of nested mappings and lists (the shipped files nest 6).
MAX_DEPTH = 32
#: Characters of one key or value.
MAX_SCALAR = 20_000


#: The tags a node may have, written (``!!str``) or implied (``12`` is an int): YAML's core
#: schema, and dates. Anything else (``!!python/object``, ``!foo``, ``!!binary``) is refused.
YAML_TAG = "tag:yaml.org,2002:"
INT_TAG = YAML_TAG + "int"
ALLOWED_TAGS = frozenset(
    f"{YAML_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


class YamlProblem(Exception):
    """What is wrong with a YAML text, and on which line (1-based): a catalogue key
    (``content.yaml.*``) and its parameters; ``str()`` is English, for logs."""

    def __init__(self, line: int, key: str, /, **params: Any):
        self.line = line
        self.key = key
        self.params = params
        super().__init__(f"line {line}: {self.message('en')}")

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.params)


def _line(node_or_event: Any) -> int:
    mark = getattr(node_or_event, "start_mark", None)
    return mark.line + 1 if mark is not None else 1


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the limits above: checked as the document is composed, node
    by node, so that a refused file costs no more than reading up to the refused node."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # unannotated in types-PyYAML
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(_line(event), "content.yaml.alias", name=event.anchor)
        if getattr(event, "anchor", None):
            raise YamlProblem(_line(event), "content.yaml.anchor", name=event.anchor)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlProblem(_line(event), "content.yaml.too_deep", depth=MAX_DEPTH)
            # Never None: PyYAML's composer always returns a node or raises.
            node = cast(yaml.Node, super().compose_node(parent, index))
        finally:
            self._depth -= 1
        if node.tag not in ALLOWED_TAGS:
            raise YamlProblem(_line(node), "content.yaml.unknown_tag", tag=_short(node.tag))
        if isinstance(node, yaml.ScalarNode) and len(node.value) > MAX_SCALAR:
            raise YamlProblem(_line(node), "content.yaml.too_long_value", length=MAX_SCALAR)
        return node

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except YamlProblem:
            raise
        except yaml.MarkedYAMLError as error:
            raise YamlProblem(_line(error.problem_mark or node), "content.yaml.unreadable",
                              detail=str(error.problem or error)) from None
        except (ValueError, TypeError, OverflowError) as error:
            # int() past Python's 4,300 digits, !!int abc, a date that does not exist...
            if node.tag == INT_TAG and len(node.value) > 4000:
                raise YamlProblem(_line(node), "content.yaml.number_too_long", digits=len(node.value)) from None
            raise YamlProblem(_line(node), "content.yaml.cannot_read_as", value=node.value[:40], tag=_short(node.tag),
                              detail=str(error)) from None


def _short(tag: str) -> str:
    """``!!int`` for YAML's own tags, the tag as written otherwise."""
    return "!!" + tag.removeprefix(YAML_TAG) if tag.startswith(YAML_TAG) else tag


def _unknown_tag(loader: _Loader, node: yaml.Node) -> Any:
    raise YamlProblem(_line(node), "content.yaml.unknown_tag", tag=_short(node.tag))


_Loader.add_constructor(None, _unknown_tag)


def _check_size(text: str) -> None:
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlProblem(1, "content.file.too_large", size=MAX_BYTES // 1024)


def _loader(text: str) -> _Loader:
    _check_size(text)
    return _Loader(text)


def compose(text: str) -> tuple[yaml.Node | None, _Loader]:
    """The document's node tree (None if empty) and the loader to construct its scalars
    with (:func:`construct`). Raises :class:`YamlProblem`."""
    loader = _loader(text)
    try:
        return loader.get_single_node(), loader
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlProblem(mark.line + 1 if mark else 1, "content.yaml.syntax", detail=str(error.problem or error)) from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, "content.yaml.syntax", detail=str(error)) from None
    finally:
        loader.dispose()


def construct(loader: _Loader, node: yaml.Node) -> Any:
    """The Python value of ``node`` (composed by :func:`compose`). Raises :class:`YamlProblem`."""
    return loader.construct_object(node, deep=True)


def load(text: str) -> Any:
    """``yaml.safe_load`` with the limits above. Raises :class:`YamlProblem`."""
    node, loader = compose(text)
    return None if node is None else construct(loader, node)
