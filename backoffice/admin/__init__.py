"""Django admin's registrations, one module a domain app (Django imports this package)."""

from backoffice.admin import abilities, milestones, observations, organizations, tasks  # noqa: F401
