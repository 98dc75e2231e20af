"""Knowing whether a model's content changed since it was loaded, so "Last updated" means it."""

from django.db import models, router, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone


class ContentTracked(models.Model):
    """Remembers `content_fields` as loaded, to tell a real edit from a re-save.

    A real edit is recorded in the model's history (django-simple-history) and reported through
    `content_changing` / `content_changed_at` at one moment, so the history and "Last updated"
    agree to the microsecond; a re-save without changes records nothing.
    """

    content_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self.content_changed():
            # simple-history looks for the attribute's presence, not its value.
            self.skip_history_when_saving = True
            try:
                super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
            return
        moment = self._history_date = timezone.now()
        self.content_changing(moment, kwargs)
        super().save(*args, **kwargs)
        self.content_changed_at(moment)
        self.remember_content()

    def delete(self, *args, **kwargs):
        self._history_date = timezone.now()
        return super().delete(*args, **kwargs)  # `content_deleted` reports it

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_content = instance._current_content()
        return instance

    def _current_content(self) -> tuple:
        loaded = self.__dict__
        return tuple(loaded.get(attname) for attname in self._content_attnames())

    @classmethod
    def _content_attnames(cls) -> tuple[str, ...]:
        """The content fields' attribute names, looked up once per model (every row loaded
        asks: a page of fifty abilities would otherwise ask `_meta` a few hundred times)."""
        attnames = cls.__dict__.get("_content_attnames_found")
        if attnames is None:
            attnames = tuple(cls._meta.get_field(name).attname for name in cls.content_fields)
            cls._content_attnames_found = attnames
        return attnames

    def content_changed(self) -> bool:
        if self._state.adding or not hasattr(self, "_loaded_content"):
            return True
        return self._loaded_content != self._current_content()

    def remember_content(self) -> None:
        self._loaded_content = self._current_content()

    def content_changing(self, moment, kwargs: dict) -> None:
        """Called before a save that changes content."""

    def content_changed_at(self, moment) -> None:
        """Called after a save or delete that changed content."""


@receiver(post_delete)
def content_deleted(sender, instance, **kwargs) -> None:
    """A deletion is a change of content however it happens: `delete()`, a QuerySet's (admin's
    "delete selected") or a cascade."""
    if isinstance(instance, ContentTracked):
        instance.content_changed_at(getattr(instance, "_history_date", None) or timezone.now())


class SavedAtomically(models.Model):
    """Saves in one transaction with its `post_save` receivers.

    Django sends `post_save` after the save's own transaction; here the receivers run inside it,
    so what they keep up to date (the stored counts of `health.badges`) commits or rolls back
    with the row. (Deletes already send `post_delete` inside the delete's transaction.)
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
