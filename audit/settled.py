"""When an event of the log can be taken as committed, and how often a count kept from the log is
read whole again: one answer for every count that is kept and grown (the auditors' page,
``audit.insights``; the inbox's first readers, ``consent.notices.news``; the journal's lines,
``consent.space.journal_count``).

A request's events are committed by the statement that appends them, milliseconds after their
time (``audit.chain.append`` carries the ``COMMIT``): ``SETTLED`` after its time, an event is there
or will never be. A longer transaction (a command's) may commit its events later: each kept count is
read whole again every ``RECHECK``, which counts them then.
"""

from datetime import timedelta

SETTLED = timedelta(seconds=2)
RECHECK = timedelta(minutes=5)
