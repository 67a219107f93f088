"""content/messages.toml as the back office edits it: one [[message]] block at a time.

The file is cut into its blocks as written (each with the blank lines and comments that
follow it); an edit rewrites only its own block, through tomlkit, which writes TOML values
with TOML's own escaping and keeps the block's other keys, comments and quoting as they
were. Every other byte of the file, other académies' messages included, stays untouched.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

import tomlkit
from tomlkit.items import Item

from catalog.slugs import slugify
from worker.content.errors import Refused
from worker.content.text import decode, newline_of, physical_lines, record_id

MESSAGES = "messages.toml"
MESSAGE_KEYS = ("id", "title", "text", "level", "show_from", "show_until")
ID_LENGTH = 60


@dataclass
class MessageBlock:
    body: str  # from its [[message]] line to its last key, line endings included
    tail: str  # the blank lines and comments that follow it, up to the next message
    data: dict

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    @property
    def version(self) -> str:
        return record_id(self.body)

    @property
    def academies(self) -> tuple[str, ...]:
        value = self.data.get("academies", [])
        return tuple(str(a) for a in value) if isinstance(value, list) else ()

    def editable_by(self, scope: tuple[str, ...] | list[str]) -> bool:
        """Only a message restricted to the member's académies: never a national one."""
        return bool(self.academies) and set(self.academies) <= set(scope)


def _ends_line(text: str) -> bool:
    return text.endswith(("\n", "\r"))


@dataclass
class MessagesFile:
    preamble: str
    blocks: list[MessageBlock]
    newline: str

    @classmethod
    def parse(cls, data: bytes) -> MessagesFile:
        text = decode(data, MESSAGES)
        try:
            whole = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise Refused([f"{MESSAGES} : TOML invalide ({exc}) ; corrigez le fichier."]) from None
        if set(whole) - {"message"} or not isinstance(whole.get("message", []), list):
            raise Refused(_SHAPE)
        lines = physical_lines(text)
        starts = [i for i, line in enumerate(lines) if line.strip() == "[[message]]"]
        preamble = "".join(lines[: starts[0]] if starts else lines)
        ends = [*starts[1:], len(lines)]  # one more than starts when there is no message
        blocks = [_block(lines[start:end]) for start, end in zip(starts, ends, strict=False)]
        if [b.data for b in blocks] != whole.get("message", []):
            raise Refused(_SHAPE)
        return cls(preamble, blocks, newline_of(text))

    def to_bytes(self) -> bytes:
        return (self.preamble + "".join(b.body + b.tail for b in self.blocks)).encode("utf-8")

    def of(self, academy: str) -> list[MessageBlock]:
        return [b for b in self.blocks if academy in b.academies]

    def national(self) -> list[MessageBlock]:
        return [b for b in self.blocks if not b.academies]

    def find(self, message_id: str) -> MessageBlock | None:
        return next((b for b in self.blocks if b.id == message_id), None)

    def new_id(self, academy: str, title: str) -> str:
        """« rennes-accueil-ferme-le-27-novembre », numbered when already taken."""
        slug = slugify(f"{academy} {title}")[:ID_LENGTH].strip("-") or academy
        taken = {b.id for b in self.blocks}
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        return candidate

    def add(self, data: dict) -> None:
        """A new message at the end of the file, after a blank line."""
        body = self._checked(self._new_block(data), data)
        if self.blocks:
            last = self.blocks[-1]
            if last.tail:
                if not _ends_line(last.tail):
                    last.tail += self.newline
            elif not _ends_line(last.body):
                last.body += self.newline
            before = last.body + last.tail
        else:
            if self.preamble and not _ends_line(self.preamble):
                self.preamble += self.newline
            before = self.preamble
        lines = physical_lines(before)
        if lines and lines[-1].strip():
            body = self.newline + body
        self.blocks.append(MessageBlock(body, "", data))

    def replace(self, block: MessageBlock, data: dict) -> None:
        """The block's values become data's; its other keys go, its comments stay."""
        body = self._checked(self._edited_block(block.body, data), data)
        self.blocks[self.blocks.index(block)] = MessageBlock(body, block.tail, data)

    def remove(self, block: MessageBlock) -> None:
        """The message goes; comments after it (about the next one) stay."""
        index = self.blocks.index(block)
        del self.blocks[index]
        kept = block.tail if block.tail.strip() else ""
        previous = self.blocks[index - 1] if index > 0 else None
        if previous is not None:
            previous.tail += kept
        else:
            self.preamble += kept
        if index == len(self.blocks) and not kept:  # it was the last: no blank lines left
            if previous is not None and not previous.tail.strip():
                previous.tail = ""
            elif previous is None:
                stripped = self.preamble.rstrip()
                self.preamble = stripped + self.newline if stripped else ""

    def _new_block(self, data: dict) -> str:
        table = tomlkit.table()
        table.trivia.trail = self.newline  # the [[message]] line's own ending
        for key in (*MESSAGE_KEYS, "academies"):
            table.add(key, self._item(data[key]))
        messages = tomlkit.aot()
        messages.append(table)
        document = tomlkit.document()
        document.append("message", messages)
        return tomlkit.dumps(document)

    def _edited_block(self, body: str, data: dict) -> str:
        """body with data's values; a value left as it was keeps its quoting and comment."""
        final = _ends_line(body)  # false for the last line of a file without final newline
        document = tomlkit.parse(body if final else body + self.newline)
        table = document["message"][0]
        for key in [k for k in table if k not in data]:
            del table[key]
        for key, value in data.items():
            if table.get(key) != value:
                table[key] = self._item(value)
        edited = tomlkit.dumps(document)
        return edited if final else edited.rstrip("\r\n")

    def _item(self, value: Any) -> Item:
        item = tomlkit.item(value)
        item.trivia.trail = self.newline
        return item

    @staticmethod
    def _checked(body: str, data: dict) -> str:
        """Never write what would read otherwise."""
        if tomllib.loads(body)["message"] != [data]:
            raise Refused(
                ["Le message ne peut pas être enregistré tel quel : simplifiez le texte."]
            )
        return body


_SHAPE = [
    f"{MESSAGES} n'a pas la forme attendue (des tables [[message]] seulement) : "
    "modifiez-le directement puis lancez build.py --check."
]


def _block(chunk: list[str]) -> MessageBlock:
    """One [[message]] block from its lines, up to the next one."""
    last = max(
        i for i, line in enumerate(chunk) if line.strip() and not line.strip().startswith("#")
    )
    body, tail = "".join(chunk[: last + 1]), "".join(chunk[last + 1 :])
    try:
        parsed = tomllib.loads(body).get("message", [])
    except tomllib.TOMLDecodeError:
        raise Refused(_SHAPE) from None
    if len(parsed) != 1:
        raise Refused(_SHAPE)
    return MessageBlock(body, tail, parsed[0])
