"""Channels a clerk completes by hand: copy the text (to WeChat, an SMS app) or work through a call
list (xlsx: name, mobile, message). Their "sent" means "handed to the clerk"."""

from __future__ import annotations

from pathlib import Path

from shopcrm.campaigns.channels import Message, Receipt
from shopcrm.core.texts import register, t

register(
    {
        "calllist.sheet": ("电话短信名单", "Call list"),
        "calllist.name": ("姓名", "Name"),
        "calllist.mobile": ("手机", "Mobile"),
        "calllist.message": ("话术", "Message"),
    }
)


class CopyChannel:
    """The text to copy is the receipt's ``detail`` (the clerk pastes it); :attr:`copied` keeps
    every one of the run in order."""

    name = "copy"
    supports_idempotency = True  # nothing leaves the computer: there is never an unknown outcome

    def __init__(self) -> None:
        self.copied: list[tuple[Message, str]] = []

    def send(self, message: Message) -> Receipt:
        self.copied.append((message, message.text))
        return Receipt(provider_id="", detail=message.text)

    def close(self) -> None:
        pass


class CallListChannel:
    """Collects name, mobile and message; :meth:`close` writes them as one xlsx call list
    (shopcrm.excel's writer: write-only, mobiles as text, formula-looking text escaped)."""

    name = "call_list"
    supports_idempotency = True

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.rows: list[tuple[str, str, str]] = []
        self.written: Path | None = None

    def send(self, message: Message) -> Receipt:
        self.rows.append((message.name, message.address, message.text))
        return Receipt(provider_id=f"{self.path.name}#{len(self.rows)}")

    def close(self) -> None:
        from shopcrm.excel.excel_export import CODE, TEXT, Column, write_table

        headers: list[Column | str] = [
            t("calllist.name"),
            Column(t("calllist.mobile"), CODE, 14),
            Column(t("calllist.message"), TEXT, 60),
        ]
        self.written = write_table(self.path, t("calllist.sheet"), headers, self.rows, total=len(self.rows))
