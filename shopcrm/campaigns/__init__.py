"""Campaigns and sending (issue #15). This package starts with the sending layer:

- :mod:`shopcrm.campaigns.channels`: one interface (``Channel.send(Message) -> Receipt``) and its
  implementations — copy, call list (xlsx), Alibaba Cloud SMS, Tencent Cloud SMS, SMTP e-mail;
- :mod:`shopcrm.campaigns.outbox`: consent, the message log (``message`` table, m0017), the claim
  of an idempotency key before any network call, retries with backoff, rate limits;
- :mod:`shopcrm.campaigns.credentials`: providers' secrets in the system keyring or an owner-only
  file, never in the database.

It sits above care (today's list) and excel (the call-list writer) in the layers."""
