"""Campaigns and sending (issue #15):

- :mod:`shopcrm.campaigns.campaign`: a segment worked for a purpose over days under a daily cap,
  its items in 今日待办, outcomes as contacts, results against a hold-out, gifts given;
- :mod:`shopcrm.campaigns.figures`: the satisfaction figures by month and by channel;
- :mod:`shopcrm.campaigns.channels`: one interface (``Channel.send(Message) -> Receipt``) and its
  implementations — copy, call list (xlsx), Alibaba Cloud SMS, Tencent Cloud SMS, SMTP e-mail;
- :mod:`shopcrm.campaigns.outbox`: consent, the message log (``message`` table, m0017), the claim
  of an idempotency key before any network call, retries with backoff, rate limits;
- :mod:`shopcrm.campaigns.credentials`: providers' secrets in the system keyring or an owner-only
  file, never in the database.

It sits above care (today's list) and excel (the call-list writer) in the layers."""
