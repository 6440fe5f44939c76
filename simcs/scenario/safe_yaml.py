"""Reading an untrusted YAML file into plain data, with limits, or one line saying what is wrong.

Scenario and experiment files come from users. The reader refuses, each with one line (and the
line and column where YAML gives one): a file over `MAX_FILE_BYTES`, a binary or non-UTF-8
file, nesting deeper than `MAX_DEPTH`, aliases that expand to more than `MAX_VALUES` values (the
"billion laughs" attack) or that refer to their own ancestor, a key given twice in a mapping,
any tag the YAML safe schema does not know (`!!python/object/...` is never constructed, let
alone executed) and a value its tag cannot read (`!!int abc`). Nothing here recurses with the
input's depth beyond the depth limit, so no file can raise RecursionError.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

try:  # libyaml's event parser, if PyYAML was built with it
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - the pure-Python reader, scanner and parser
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        """The pure-Python event parser over a string."""

        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


#: largest input file read
MAX_FILE_BYTES = 2_000_000
#: deepest nesting of mappings and lists (a scenario is 5 levels deep, an override 7)
MAX_DEPTH = 64
#: most values (scalars, mappings and lists) a document may expand to, aliases expanded (a
#: scenario holds a few hundred)
MAX_VALUES = 100_000
_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlInputError(Exception):
    """A file that cannot be read as data; the message is one line."""


def shown(text: object, limit: int = 60) -> str:
    """`text` on one line, control characters escaped, at most `limit` characters."""
    value = str(text)
    if not value.isprintable():
        value = repr(value)[1:-1]
    return value if len(value) <= limit else value[: limit - 3] + "..."


class _LimitedLoader(Composer, SafeConstructor, Resolver, _Parser):  # type: ignore[misc]
    """A safe loader that counts depth and expanded size while composing, and refuses
    duplicate keys and values its constructors cannot read. Events come from libyaml's parser
    where PyYAML has it (several times faster than the pure-Python scanner); the composing, and
    so every check here, is Python either way."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        Composer.__init__(self)
        self._depth = 0
        self._values: dict[int, int] = {}  # id(node) -> values it expands to, once complete
        self._total = 0  # values composed so far, each alias counted as what it expands to

    def _count(self, values: int, mark: Any) -> None:
        self._total += values
        if self._total > MAX_VALUES:
            raise ComposerError(
                None,
                None,
                f"holds more than {MAX_VALUES:,} values (counting what aliases repeat)",
                mark,
            )

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            if id(node) not in self._values:
                raise ComposerError(
                    None,
                    None,
                    f"the alias *{shown(event.anchor)} refers to a value that contains it "
                    "(a recursive structure)",
                    event.start_mark,
                )
            self._count(self._values[id(node)], event.start_mark)
            return node
        self._count(1, event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
                )
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        values = 1
        if isinstance(node, SequenceNode):
            values += sum(self._values[id(child)] for child in node.value)
        elif isinstance(node, MappingNode):
            values += sum(self._values[id(k)] + self._values[id(v)] for k, v in node.value)
        self._values[id(node)] = values
        return node

    def compose_mapping_node(self, anchor: str | None) -> MappingNode:
        node = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], ScalarNode] = {}
        for key, _ in node.value:
            if not isinstance(key, ScalarNode) or key.tag == _MERGE_TAG:
                continue
            first = seen.setdefault((key.tag, key.value), key)
            if first is not key:
                raise ComposerError(
                    None,
                    None,
                    f"the key '{shown(key.value)}' is given twice (first at line "
                    f"{first.start_mark.line + 1})",
                    key.start_mark,
                )
        return node

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, OverflowError, IndexError) as exc:
            raise ConstructorError(
                None,
                None,
                f"cannot read '{shown(node.value if isinstance(node, ScalarNode) else '')}' "
                f"as {node.tag.rsplit(':', 1)[-1]} ({shown(exc, 80)})",
                node.start_mark,
            ) from None


def _where(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""


def _yaml_problem(exc: yaml.YAMLError, text: str) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return f"line {line}: not valid YAML (the character U+{exc.character:04X} is not allowed)"
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "unreadable"
        if exc.context and exc.problem:
            problem = f"{exc.context}, {exc.problem}"
        if "exceeded maximum nesting depth" in problem:  # libyaml's own limit, at ~1,000
            return (
                f"line {mark.line + 1}: not valid YAML (nested more than {MAX_DEPTH} levels deep)"
            )
        if "could not determine a constructor" in problem:
            tag = problem.rsplit("tag ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
            problem = f"the tag {shown(tag)} is not allowed (only plain YAML data is read)"
        return f"{_where(mark)}not valid YAML ({shown(' '.join(problem.split()), 200)})"
    return f"not valid YAML ({shown(' '.join(str(exc).split()), 200)})"


def read_data(path: Path) -> Any:
    """The data in the YAML file at `path` (which must exist and be a file), within the limits.

    Raises `YamlInputError` with one line saying what is wrong.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlInputError(
                f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes"
            )
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise YamlInputError(f"cannot be read ({exc.strerror or exc})") from None
    return data_from_bytes(raw)


def data_from_bytes(raw: bytes) -> Any:
    """The data in the YAML text `raw` (a file's or an upload's bytes), within the limits.

    Raises `YamlInputError` with one line saying what is wrong.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise YamlInputError(f"the file is over the limit of {MAX_FILE_BYTES:,} bytes")
    if b"\x00" in raw:
        raise YamlInputError("a binary file, not YAML text (it holds NUL bytes)")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlInputError(
            f"line {line}: not a UTF-8 text file (byte 0x{raw[exc.start]:02x} at offset "
            f"{exc.start:,})"
        ) from None
    loader: _LimitedLoader | None = None
    try:
        loader = _LimitedLoader(text)  # the reader checks every character here
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise YamlInputError(_yaml_problem(exc, text)) from None
    except RecursionError:  # not expected (depth is limited): still one line, never a traceback
        raise YamlInputError(f"nested more than {MAX_DEPTH} levels deep") from None
    finally:
        if loader is not None:
            loader.dispose()
