"""The tag feed and the home feed's "tags I follow" source read a tag's newest posts: an index
on (tag_id, post_id DESC) of the hashtag link table makes that a short index range scan."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("posts", "0002_kommunikation_group")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX posts_post_tags_tag_post_idx ON posts_post_tags (tag_id, post_id DESC)",
            reverse_sql="DROP INDEX posts_post_tags_tag_post_idx",
        )
    ]
