"""Trust: who is at the counter (owner or clerk, PIN, idle lock), the audit log, and
privacy (a customer's data export and erasure)."""
