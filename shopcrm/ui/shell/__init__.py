"""The shell every window shares: translations, icons, the background-job helper, Qt
dates from the clock, form behaviour, and the Linux system-library check."""
