"""What the workflow tells the rest of the house.

`changed` is sent, inside the step's transaction, after a step of `checkins.workflow` changed
check-ins by UPDATE or bulk insert, which send no `post_save`: with `organization_id`, whose
check-in lists it changed. `freshness/table.py` moves that organization's check-ins version.
"""

from django.dispatch import Signal

changed = Signal()
