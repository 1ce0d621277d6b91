"""Excel: reading other programs' member sheets (import with dry run and report) and
writing archives and lists to xlsx."""
