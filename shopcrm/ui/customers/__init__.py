"""The 客户 tab: the customer list, the archive form, anniversaries, the recycle bin."""
