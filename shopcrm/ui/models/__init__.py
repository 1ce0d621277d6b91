"""Qt item models over the domain's paged queries (no SQL here)."""
