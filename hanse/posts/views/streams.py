"""The streams: the home feed's partials, the company, bookmark, hashtag, community and profile
streams, and the contexts the start page, the community and the profile page render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hanse.communities import selectors as community_selectors
from hanse.communities.models import Community
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.core.replicas import replica_view
from hanse.core.text import normalise_tag
from hanse.people import selectors as people_selectors
from hanse.people.models import User
from hanse.posts.forms import COMPANY, PROFILE, PostForm
from hanse.posts.forms import where_value as _where_value
from hanse.posts.rules import may_post_in
from hanse.posts.selectors import feed as feed_selectors
from hanse.posts.selectors.feed import FeedPage
from hanse.posts.services import tags as tag_services
from hanse.posts.views.common import PAGE_SIZE, parse_before, parse_filter, with_query

# --- stream contexts


def stream_context(
    request: HttpRequest,
    page: FeedPage,
    *,
    page_url: str,
    partial_url: str | None = None,
    params: dict[str, Any] | None = None,
    empty_message: str = "",
    auto: bool = True,
) -> dict[str, Any]:
    """What `posts/_feed_items.html` needs: the items and the "load more" link.

    The link's href is the full page of older posts (it works without JavaScript); htmx
    fetches `partial_url` instead and swaps the next items in when the link comes into view.
    Streams embedded above other content (a profile, a community home) load more on click
    only (`auto=False`), so the content below them stays reachable on a phone.
    """
    params = dict(params or {})
    auto = auto and request.GET.get("auto") != "0"
    more_url = more_hx_url = None
    if page.next_before_id is not None:
        more_url = with_query(page_url, **params, before=page.next_before_id)
        more_hx_url = with_query(
            partial_url or page_url,
            **params,
            before=page.next_before_id,
            auto=None if auto else "0",
        )
    return {
        "auto_more": auto,
        "feed_page": page,
        "items": page.items,
        "more_url": more_url,
        "more_hx_url": more_hx_url,
        "empty_message": empty_message,
        "is_first_page": parse_before(request) is None,
        "next": request.get_full_path(),
    }


def composer_context(
    request: HttpRequest,
    *,
    community: Community | None = None,
    default: str = COMPANY,
    form: PostForm | None = None,
    my_communities: list[Community] | None = None,
) -> dict[str, Any]:
    """The composer: "where" offers company-wide, my profile and my communities, unless the
    composer sits in a community's stream (then it posts there). A page that has already
    read the viewer's communities passes them as ``my_communities``."""
    if form is None:
        if community is not None:
            communities = [community]
        elif my_communities is not None:
            communities = my_communities
        else:
            communities = list(community_selectors.communities_of(user=http.viewer(request)))
        form = PostForm(
            initial={"where": _where_value(community, default)}, communities=communities
        )
    return {
        "composer_form": form,
        "composer_community": community,
        "composer_next": request.get_full_path(),
    }


def _feed_response(
    request: http.Request, template: str, context: dict[str, Any], stream: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only the next items when htmx asks for them."""
    if request.htmx:
        return render(request, "posts/_feed_items.html", stream)
    context.update(stream)
    return render(request, template, context)


# --- the home feed (home:index renders the page; these are its partials) ------------------


def home_feed_context(request: HttpRequest) -> dict[str, Any]:
    """The home page's feed: filter tabs, the first (or an older) page, the composer."""
    viewer = http.viewer(request)
    feed_filter = parse_filter(request)
    page = feed_selectors.home_feed(
        viewer=viewer, before_id=parse_before(request), limit=PAGE_SIZE, filter=feed_filter
    )
    params = {"filter": feed_filter if feed_filter != "all" else None}
    context = stream_context(
        request,
        page,
        page_url=reverse("home:index"),
        partial_url=reverse("posts:feed_more"),
        params=params,
        empty_message=_empty_home(feed_filter),
    )
    context.update(
        feed_filter=feed_filter,
        feed_filters=[
            ("all", _("All")),
            ("communities", _("Communities")),
            ("following", _("Following")),
        ],
        newest_id=page.items[0].post.pk if page.items else 0,
    )
    return context


def _empty_home(feed_filter: str) -> str:
    if feed_filter == "communities":
        return _("No posts from your communities yet.")
    if feed_filter == "following":
        return _("No posts from the people you follow yet.")
    return _(
        "Your feed is still empty. Join communities and follow colleagues or hashtags: "
        "their posts appear here."
    )


@require_GET
@replica_view
def feed_more(request: HttpRequest) -> HttpResponse:
    """The home feed's partials: older items (?before=) or the whole list, refreshed."""
    context = home_feed_context(request)
    template = "posts/_feed_items.html" if parse_before(request) else "posts/_home_feed.html"
    return render(request, template, context)


@require_GET
@replica_view
def feed_new_count(request: HttpRequest) -> HttpResponse:
    """The "new posts" indicator, polled by the home feed."""
    try:
        after = int(request.GET.get("after", ""))
    except ValueError:
        return HttpResponseBadRequest()
    feed_filter = parse_filter(request)
    count = feed_selectors.newer_count(
        viewer=http.viewer(request), after_id=after, filter=feed_filter
    )
    return render(
        request,
        "posts/_new_posts.html",
        {
            "count": count,
            "capped": count >= feed_selectors.NEWER_COUNT_CAP,
            "feed_filter": feed_filter,
            "show_url": with_query(
                reverse("home:index"), filter=feed_filter if feed_filter != "all" else None
            ),
            "show_hx_url": with_query(reverse("posts:feed_more"), filter=feed_filter),
        },
    )


# --- streams -------------------------------------------------------------------------------


@require_GET
@replica_view
def company(request: http.Request) -> HttpResponse:
    """Everything posted company-wide."""
    viewer = http.viewer(request)
    page = feed_selectors.company_stream(
        viewer=viewer, before_id=parse_before(request), limit=PAGE_SIZE
    )
    stream = stream_context(
        request,
        page,
        page_url=reverse("posts:company"),
        empty_message=_("Nothing has been posted company-wide yet."),
    )
    return _feed_response(
        request, "posts/company.html", composer_context(request, default=COMPANY), stream
    )


@require_GET
@replica_view
def bookmarks(request: http.Request) -> HttpResponse:
    """The posts I saved for later."""
    page = feed_selectors.bookmarks_of(
        viewer=http.viewer(request), before_id=parse_before(request), limit=PAGE_SIZE
    )
    stream = stream_context(
        request,
        page,
        page_url=reverse("posts:bookmarks"),
        empty_message=_(
            "You have not saved any posts yet. Choose “Save for later” in a post's menu."
        ),
    )
    return _feed_response(request, "posts/bookmarks.html", {}, stream)


@require_GET
@replica_view
def tag(request: http.Request, tag: str) -> HttpResponse:
    """The posts with a hashtag, and the button to follow it."""
    name = normalise_tag(tag)
    if not name:
        raise Http404(_("This is not a valid hashtag."))
    if name != tag:
        return redirect("posts:tag", tag=name)
    viewer = http.viewer(request)
    page = feed_selectors.tag_stream(
        viewer=viewer, tag_name=name, before_id=parse_before(request), limit=PAGE_SIZE
    )
    stream = stream_context(
        request,
        page,
        page_url=reverse("posts:tag", args=[name]),
        empty_message=_("No posts with this hashtag yet."),
    )
    context = {
        "tag_name": name,
        "following": feed_selectors.follows_tag(viewer=viewer, tag_name=name),
    }
    return _feed_response(request, "posts/tag.html", context, stream)


@require_POST
def tag_follow(request: http.Request, tag: str) -> HttpResponse:
    """Follow (follow=1) or stop following (follow=0) a hashtag."""
    viewer = http.viewer(request)
    follow = request.POST.get("follow") == "1"
    try:
        if follow:
            tag_services.tag_follow(user=viewer, tag_name=tag)
        else:
            tag_services.tag_unfollow(user=viewer, tag_name=tag)
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        messages.error(request, str(exc.message))
        return redirect(http.safe_next(request, reverse("home:index")))
    name = normalise_tag(tag) or tag
    if request.htmx:
        return render(request, "posts/_tag_follow.html", {"tag_name": name, "following": follow})
    if follow:
        messages.success(request, _("You now follow #%(tag)s.") % {"tag": name})
    else:
        messages.success(request, _("You no longer follow #%(tag)s.") % {"tag": name})
    return redirect("posts:tag", tag=name)


def community_stream_context(request: HttpRequest, community: Community) -> dict[str, Any]:
    """The community home's stream section (used by a template tag on communities:detail)."""
    viewer = http.viewer(request)
    context: dict[str, Any] = {"community": community, "request": request, "user": viewer}
    if not viewer.has_perm("communities.view_content", community):
        context["can_read"] = False
        return context
    page = feed_selectors.community_stream(
        viewer=viewer, community=community, before_id=parse_before(request), limit=PAGE_SIZE
    )
    url = reverse("posts:community_stream", args=[community.slug])
    context.update(
        stream_context(
            request,
            page,
            page_url=url,
            empty_message=_("No posts yet. Start the conversation!"),
            auto=False,
        )
    )
    context["can_read"] = True
    if may_post_in(viewer, community):
        context.update(composer_context(request, community=community))
    return context


@require_GET
@replica_view
def community_stream(request: http.Request, slug: str) -> HttpResponse:
    """A community's stream as a page of its own (older posts; htmx infinite scroll)."""
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    if not viewer.has_perm("communities.view_content", community):
        return redirect("communities:detail", slug=community.slug)
    page = feed_selectors.community_stream(
        viewer=viewer, community=community, before_id=parse_before(request), limit=PAGE_SIZE
    )
    stream = stream_context(
        request,
        page,
        page_url=reverse("posts:community_stream", args=[community.slug]),
        empty_message=_("No posts yet."),
    )
    return _feed_response(request, "posts/community_stream.html", {"community": community}, stream)


def profile_stream_context(request: HttpRequest, person: User) -> dict[str, Any]:
    """The profile's "Posts" section (used by a template tag on people:profile)."""
    viewer = http.viewer(request)
    page = feed_selectors.profile_stream(
        viewer=viewer, person=person, before_id=parse_before(request), limit=PAGE_SIZE
    )
    is_me = person.pk == viewer.pk
    context: dict[str, Any] = {"person": person, "is_me": is_me, "request": request}
    context.update(
        stream_context(
            request,
            page,
            page_url=reverse("posts:profile_stream", args=[person.username]),
            empty_message=(
                _("You have not posted anything yet.")
                if is_me
                else _("%(name)s has not posted anything you can see yet.")
                % {"name": person.display_name}
            ),
            auto=False,
        )
    )
    if is_me:
        context.update(composer_context(request, default=PROFILE))
    return context


def profile_section(request: HttpRequest, person: User) -> str:
    """The profile's "Posts" section (registered in hanse/people/profile_sections.py)."""
    return render_to_string(
        "posts/_profile_stream.html", profile_stream_context(request, person), request=request
    )


@require_GET
@replica_view
def profile_stream(request: http.Request, username: str) -> HttpResponse:
    """A person's posts as a page of its own (older posts; htmx infinite scroll)."""
    viewer = http.viewer(request)
    person = people_selectors.get_person_for(viewer=viewer, username=username)
    page = feed_selectors.profile_stream(
        viewer=viewer, person=person, before_id=parse_before(request), limit=PAGE_SIZE
    )
    stream = stream_context(
        request,
        page,
        page_url=reverse("posts:profile_stream", args=[person.username]),
        empty_message=_("No posts yet."),
    )
    return _feed_response(request, "posts/profile_stream.html", {"person": person}, stream)
