"""Owner PIN and clerk mode, the audit log, backups and the start-up checks."""
