"""The store: the only layer that knows the database engine (open, inspect, checkpoints),
the peewee models, the settings table, and the numbered schema steps."""
