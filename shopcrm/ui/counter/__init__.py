"""The counter's owner and clerk tools: the day's close (交班 / 日结) and coupons to a group."""
