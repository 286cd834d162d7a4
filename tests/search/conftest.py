"""The search tests use the stream's cast (open, private and secret communities with an owner,
a moderator, a member, an outsider and an admin) and its factories."""

from tests.posts.conftest import Cast, cast, make_post, no_previews, png_upload  # noqa: F401
