"""English dates and times: a 24-hour clock, as in French. Django's "4:11 p.m." ends with a period,
so a sentence that ends with a time read "4:11 p.m.." (issue 21, item 12)."""

DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
TIME_FORMAT = "H:i"
