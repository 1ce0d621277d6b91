"""The 今日待办 tab and the care-reminder settings."""
