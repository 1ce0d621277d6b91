"""The 投诉 tab and its dialogs."""
