"""The stream in a real browser: post with a mention and an image, comment, react, see it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hanse.people.models import User
from hanse.posts.models import Comment, Post, Reaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (64, 48), "teal").save(path, format="PNG")
    return path


def test_post_with_mention_and_image_comment_react(
    page: Any,
    login: Callable[..., None],
    make_user: Callable[..., User],
    tmp_path: Path,
    settings: Any,
) -> None:
    """Write a post mentioning a colleague (chosen from the suggestions) with an image,
    comment on it, react to it, and find it in the feed."""
    settings.LINK_PREVIEWS_ENABLED = False
    author = make_user("jana.kruse", first_name="Jana", last_name="Kruse")
    make_user("olaf.peters", first_name="Olaf", last_name="Peters")
    login(page, author)
    page.goto("/")
    box = page.locator("#composer-body")
    box.click()
    box.press_sequentially("Danke @ola")
    option = page.get_by_role("option", name="Olaf Peters")
    option.wait_for()
    box.press("Enter")
    box.press_sequentially("für die Hilfe #Teamwork")
    assert box.input_value() == "Danke @olaf.peters für die Hilfe #Teamwork"
    page.locator("#composer-files").set_input_files(str(_png(tmp_path / "tafel.png")))
    page.get_by_role("button", name="Post", exact=True).click()
    page.get_by_role("status").filter(has_text="Your post is published.").wait_for()
    post = Post.objects.get()
    article = page.locator(f"#post-{post.pk}")
    article.get_by_role("link", name="@olaf.peters").wait_for()
    assert article.locator("img").count() == 1

    article.get_by_role("button", name="Celebrate").click()
    page.locator(f"#react-post-{post.pk}-celebrate[aria-pressed=true]").wait_for()
    assert Reaction.objects.filter(post=post, user=author, kind="celebrate").exists()

    article.get_by_role("link", name="0 comments").click()
    page.get_by_label("Write a comment").fill("Und noch ein Nachtrag.")
    page.get_by_role("button", name="Comment", exact=True).click()
    page.get_by_text("Und noch ein Nachtrag.").wait_for()
    assert Comment.objects.filter(post=post).count() == 1

    page.goto("/")
    feed_post = page.locator(f"#post-{post.pk}")
    feed_post.get_by_text("für die Hilfe").wait_for()
    assert feed_post.get_by_role("link", name="1 comment").is_visible()
    assert (
        feed_post.locator(f"#react-post-{post.pk}-celebrate").get_attribute("aria-pressed")
        == "true"
    )
