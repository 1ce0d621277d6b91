"""Qt widgets. Thin: they call the domain modules and never build SQL."""
