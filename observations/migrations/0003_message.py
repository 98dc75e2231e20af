from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """`Comment` becomes `Message`, the word every page already uses; rows are kept."""

    dependencies = [
        ("observations", "0002_initial"),
        ("organizations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="comment", name="comment_body_not_empty"),
        migrations.RemoveConstraint(model_name="comment", name="comment_deleted_keeps_no_text"),
        migrations.RenameModel(old_name="Comment", new_name="Message"),
        migrations.AlterField(
            model_name="message",
            name="conversation",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name="messages",
                to="observations.conversation",
            ),
        ),
        migrations.AddConstraint(
            model_name="message",
            constraint=models.CheckConstraint(
                condition=models.Q(("deleted_at__isnull", False), models.Q(("body", ""), _negated=True), _connector="OR"),
                name="message_body_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="message",
            constraint=models.CheckConstraint(
                condition=models.Q(("deleted_at__isnull", True), ("body", ""), _connector="OR"),
                name="message_deleted_keeps_no_text",
            ),
        ),
    ]
