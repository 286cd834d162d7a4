"""Pictures in a page's text: uploaded while editing, inserted as Markdown, rendered through
the same sanitised pipeline, served only to who may read the page."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.wiki import markup, services
from hanse.wiki.models import PageImage

pytestmark = pytest.mark.django_db


def _png(name="Dienstplan (neu).png"):
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "teal").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def page(people, club):
    return services.page_create(by=people["member"], community=club, title="FAQ", body="Text")


def test_upload_inserts_markdown_that_renders_as_a_picture(people, page, client_for):
    """The script's upload answers the Markdown; saved, the page shows the picture."""
    client = client_for(people["member"])
    response = client.post(reverse("wiki:images", args=[page.pk]), {"images": [_png()]})
    assert response.status_code == 200
    (image,) = response.json()["images"]
    stored = PageImage.objects.get(page=page)
    assert image["url"] == f"/wiki/images/{stored.pk}/Dienstplan%20%28neu%29.png"
    assert image["markdown"] == f"![Dienstplan \\(neu\\)]({image['url']})"
    assert stored.content_type == "image/png" and stored.uploader == people["member"]
    services.page_update(
        page=page, by=people["member"], title="FAQ", body=f"Plan:\n\n{image['markdown']}",
        base_revision_id=page.current_revision_id,
    )  # fmt: skip
    html = client.get(page.get_absolute_url()).content.decode()
    assert (
        f'<img class="wiki-image" src="{image["url"]}" alt="Dienstplan (neu)" loading="lazy">'
        in html
    )
    served = client.get(image["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_without_javascript_the_pictures_go_to_the_end_of_the_text(people, page, client_for):
    """The edit form's own button stores them and adds their Markdown; nothing is saved."""
    client = client_for(people["member"])
    response = client.post(
        reverse("wiki:edit", args=[page.pk]),
        {
            "title": "FAQ",
            "body": "Mein Entwurf",
            "base_revision": page.current_revision_id,
            "insert_images": "1",
            "images": [_png("plan.png")],
        },
    )
    assert response.status_code == 200
    image = PageImage.objects.get(page=page)
    body = response.context["form"]["body"].value()
    assert body == f"Mein Entwurf\n\n![plan](/wiki/images/{image.pk}/plan.png)\n"
    page.refresh_from_db()
    assert page.body == "Text" and page.revision_count == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 200), ("owner", 200), ("moderator", 200), ("outsider", 404), (None, 302)],
)
def test_a_picture_is_served_only_to_readers_of_the_page(
    people, page, client_for, admin_user, who, status
):
    (image,) = services.page_images_upload(page=page, by=people["member"], files=[_png()])
    response = client_for(people[who] if who else None).get(image.get_absolute_url())
    assert response.status_code == status
    assert client_for(admin_user).get(image.get_absolute_url()).status_code == 200
    # The wrong name is the 404 of a missing picture.
    wrong = reverse("wiki:image", args=[image.pk, "anders.png"])
    assert client_for(people["member"]).get(wrong).status_code == 404


def test_a_picture_goes_when_the_wiki_is_switched_off(people, club, page, client_for):
    (image,) = services.page_images_upload(page=page, by=people["member"], files=[_png()])
    services.wiki_settings_update(
        community=club, by=people["owner"], enabled=False, edit_policy="members", review_days=180
    )
    assert client_for(people["member"]).get(image.get_absolute_url()).status_code == 404


def test_who_may_not_edit_may_not_upload(people, club, page, client_for):
    with pytest.raises(PermissionRefused):
        services.page_images_upload(page=page, by=people["outsider"], files=[_png()])
    url = reverse("wiki:images", args=[page.pk])
    assert client_for(people["outsider"]).post(url, {"images": [_png()]}).status_code == 404
    services.wiki_settings_update(
        community=club, by=people["owner"], enabled=True, edit_policy="moderators",
        review_days=180,
    )  # fmt: skip
    refused = client_for(people["member"]).post(url, {"images": [_png()]})
    assert refused.status_code == 403 and refused.json()["error"]
    assert client_for(people["moderator"]).post(url, {"images": [_png()]}).status_code == 200
    assert PageImage.objects.count() == 1


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"%PDF-1.4\n%%EOF\n",
        b"<html><script>alert(1)</script></html>",
    ],
)
def test_only_pictures_are_taken_with_a_german_message(people, page, client_for, content):
    from django.utils import translation

    upload = SimpleUploadedFile("bild.png", content, content_type="image/png")
    with translation.override("de"), pytest.raises(ServiceError) as caught:
        services.page_images_upload(page=page, by=people["member"], files=[upload])
    assert "ist kein Bild" in str(caught.value.message)
    response = client_for(people["member"]).post(
        reverse("wiki:images", args=[page.pk]),
        {"images": [SimpleUploadedFile("x.png", content)]},
    )
    assert response.status_code == 400 and "x.png" in response.json()["error"]
    assert not PageImage.objects.exists()


def test_no_files_is_a_clear_error(people, page, client_for):
    response = client_for(people["member"]).post(reverse("wiki:images", args=[page.pk]))
    assert response.status_code == 400
    assert response.json() == {"error": "Please choose at least one picture."}


@pytest.mark.parametrize(
    "source",
    [
        '![x" onerror="alert(1)](/wiki/images/1/a.png)',
        '![x](/wiki/images/1/a.png" onerror="alert(1))',
        "![x](javascript:alert(1))",
        "![x](https://evil.example/wiki/images/1/a.png)",
        "![x](/wiki/images/1/../../admin/)",
        "[x](/wiki/images/1/a.png)",
        "![<img src=x onerror=alert(1)>](/wiki/images/1/a.png)",
    ],
)
def test_hostile_picture_markdown_stays_harmless(people, club, source):
    """Only a picture link to a page picture's own address becomes an <img>; nothing else
    gains an attribute, and the alt text is escaped."""
    html = services.render_page(source, author=people["member"], community=club).html
    for tag in re.findall(r"<[^>]+>", html):
        if not tag.startswith("<img"):
            assert "onerror" not in tag and "javascript:" not in tag
        else:  # the alt text may say anything, escaped: only these attributes exist
            assert re.fullmatch(
                r'<img class="wiki-image" src="/wiki/images/1/a\.png" alt="[^"<>]*" '
                r'loading="lazy">',
                tag,
            )


def test_the_image_path_is_the_routes_own():
    assert reverse("wiki:image", args=[1, "a.png"]) == f"{markup.IMAGE_PATH}1/a.png"


def test_deleting_the_page_removes_its_pictures(people, page, django_capture_on_commit_callbacks):
    (image,) = services.page_images_upload(page=page, by=people["member"], files=[_png()])
    storage, name = image.file.storage, image.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.page_delete(page=page, by=people["owner"])
    assert not PageImage.objects.exists() and not storage.exists(name)
