"""The task queue's own admin (django-tasks-db's, for operators), held to what every admin list
answers: a lookup the database cannot answer is admin's "invalid lookup", not a 500."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from backoffice.scoping import AnswersEveryLookup, PrimaryKeyByDefault


class TaskResultsAdmin(AnswersEveryLookup, PrimaryKeyByDefault, DBTaskResultAdmin):
    pass


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultsAdmin)
