"""Sending from the command line (issue #15), for scripts:

``python -m shopcrm send --customer M --channel sms|email|copy --text … [--purpose service|marketing]
[--template ID --param k=v …] [--subject S] [--key K] [--campaign N] [--json]``

and the owner's set-up: ``python -m shopcrm channel configure sms.provider=tencent … --pin PIN``,
``channel set-credentials sms.aliyun access_key_id=… access_key_secret=… --pin PIN`` (or the
values as KEY=VALUE lines on standard input with ``--stdin``, which keeps them out of the shell's
history), ``channel show [--json]``."""

from __future__ import annotations

import argparse
import json
import os
import sys

from shopcrm.cli.common import command, open_db
from shopcrm.core.errors import FieldError


def _fail(exc: Exception) -> int:
    print(f"shopcrm: {exc}", file=sys.stderr)
    return 1


def _unlock(args: argparse.Namespace) -> None:
    from shopcrm.trust import security

    pin = getattr(args, "pin", None) or os.environ.get("SHOPCRM_PIN")
    if pin and security.has_pin():
        security.unlock(pin)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{what}: expected KEY=VALUE, got {item!r}")
        out[key.strip()] = value
    return out


def _send_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--customer", required=True, help="mobile or card number")
    p.add_argument("--channel", required=True, choices=("sms", "email", "copy"))
    p.add_argument("--text", default="", help="the message (an SMS without --template uses the configured one)")
    p.add_argument("--template", default="", help="SMS template id (Alibaba SMS_…, Tencent's number)")
    p.add_argument("--param", action="append", default=[], metavar="K=V", help="a template parameter (repeat)")
    p.add_argument("--subject", default="", help="e-mail subject (default: a message from the shop)")
    p.add_argument(
        "--purpose",
        default="marketing",
        choices=("marketing", "service"),
        help="marketing (default) needs the customer's consent; service (a complaint follow-up…) does not",
    )
    p.add_argument("--key", help="idempotency key: the same key is never sent twice (default: a new one)")
    p.add_argument("--campaign", type=int, help="campaign id to log the message under")
    p.add_argument("--operator", help="who sends it")
    p.add_argument("--no-wait", action="store_true", help="do not wait for retries: leave them queued")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


@command("send", _send_args)
def _send(args: argparse.Namespace) -> int:
    from shopcrm.campaigns import outbox
    from shopcrm.sales import counter
    from shopcrm.store.models import Message

    try:
        open_db(args)
        c = counter.find_customer(args.customer)
        params = _pairs(args.param, "--param")
        subject = args.subject or (outbox.shop_subject() if args.channel == "email" else "")
        q = outbox.queue(
            c.id,
            args.channel,
            purpose=args.purpose,
            text=args.text,
            template_id=args.template,
            params=params,
            subject=subject,
            campaign_id=args.campaign,
            idempotency_key=args.key,
            operator=args.operator,
        )
        if q.status == "queued":
            channel = outbox.channel_for(args.channel)
            outbox.deliver({args.channel: channel}, ids=[q.message_id], wait_for_retries=not args.no_wait)
    except (FieldError, ValueError, PermissionError) as exc:
        return _fail(exc)
    row = Message.get_by_id(q.message_id)
    body = {
        "message_id": row.id,
        "customer_id": row.customer_id,
        "channel": row.channel,
        "purpose": row.purpose,
        "status": row.status,
        "new": q.created,
        "provider_id": row.provider_id,
        "attempts": row.attempts,
        "error": row.last_error,
        "idempotency_key": row.idempotency_key,
    }
    if args.channel == "copy":
        body["text"] = row.text
    if args.json:
        print(json.dumps(body, ensure_ascii=False))
    elif args.channel == "copy" and row.status == "sent":
        print(row.text)
    else:
        print(f"#{row.id} {row.status} {row.provider_id} {row.last_error}".rstrip())
    return 0 if row.status in ("sent", "delivered") or (row.status == "queued" and args.no_wait) else 1


def _channel_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", required=True)
    cred = sub.add_parser("set-credentials", help="keep a provider's secrets in the keyring / owner-only file")
    cred.add_argument("name", help="sms.aliyun, sms.tencent or email.smtp")
    cred.add_argument("values", nargs="*", metavar="KEY=VALUE")
    cred.add_argument("--stdin", action="store_true", help="read KEY=VALUE lines from standard input")
    cred.add_argument("--pin", help="owner PIN (or set SHOPCRM_PIN); needed when a PIN is set")
    conf = sub.add_parser("configure", help="channel settings, e.g. sms.provider=tencent sms.per_second=5")
    conf.add_argument("values", nargs="+", metavar="SECTION.KEY=VALUE")
    conf.add_argument("--pin", help="owner PIN (or set SHOPCRM_PIN); needed when a PIN is set")
    show = sub.add_parser("show", help="the channel settings and where the secrets are kept")
    show.add_argument("--json", action="store_true")


@command("channel", _channel_args)
def _channel(args: argparse.Namespace) -> int:
    from shopcrm.campaigns import credentials, outbox

    try:
        open_db(args)
        if args.action == "show":
            s = outbox.load_settings()
            body = {"settings": s, "credentials": credentials.default_store().describe()}
            print(json.dumps(body, ensure_ascii=False, indent=None if args.json else 1))
            return 0
        _unlock(args)
        if args.action == "set-credentials":
            values = _pairs(args.values, "set-credentials")
            if args.stdin:
                values.update(_pairs([line.strip() for line in sys.stdin if line.strip()], "standard input"))
            where = outbox.set_credentials(args.name, values)
            print(f"{args.name} -> {where}")
            return 0
        s = outbox.load_settings()
        for key, value in _pairs(args.values, "configure").items():
            section, _dot, name = key.partition(".")
            target = s if not name else s.get(section)
            leaf = name or section
            if not isinstance(target, dict) or leaf not in target:
                raise ValueError(f"unknown channel setting {key!r}")
            target[leaf] = int(value) if isinstance(target[leaf], int) and value.strip().isdigit() else value
        outbox.save_settings(s)
        print(json.dumps(s, ensure_ascii=False))
        return 0
    except (FieldError, ValueError, PermissionError) as exc:  # PinError is a ValueError
        return _fail(exc)
