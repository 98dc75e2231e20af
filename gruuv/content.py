"""Knowing whether a model's content changed since it was loaded, so "Last updated" means it."""

from django.db import models


class ContentTracked(models.Model):
    """Remembers the values of `content_fields` as loaded, to tell a real edit from a re-save."""

    content_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_content = instance._current_content()
        return instance

    def _current_content(self) -> tuple:
        return tuple(
            self.__dict__.get(self._meta.get_field(name).attname) for name in self.content_fields
        )

    def content_changed(self) -> bool:
        if self._state.adding or not hasattr(self, "_loaded_content"):
            return True
        return self._loaded_content != self._current_content()

    def remember_content(self) -> None:
        self._loaded_content = self._current_content()
