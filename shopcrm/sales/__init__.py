"""Sales: purchases and contacts recorded against a customer (imports grading for the
incremental figures, never the reverse)."""
