"""A mention's thread from what each collector stores in Mention.extra: the parent, the root, the others."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from listener.threads import thread_context, thread_ref
from models import Mention

ROOT_TWEET = "2124880150918074369"


def test_x_reply_finds_its_parent_root_and_siblings(db_session: Session,
                                                    make_mention: Callable[..., Mention]) -> None:
    def tweet(external_id: str, replied_to: str | None, conversation: str = ROOT_TWEET, **fields: object) -> Mention:
        referenced = [{"type": "replied_to", "id": replied_to}] if replied_to else []
        return make_mention(network="x", external_id=external_id, **fields,
                            extra={"conversation_id": conversation, "referenced": referenced})

    root = tweet(ROOT_TWEET, None)
    parent = tweet("2124880150918074400", ROOT_TWEET)
    mention = tweet("2124880150918074500", "2124880150918074400")
    sibling = tweet("2124880150918074600", ROOT_TWEET)
    tweet("2124880150918074700", None, conversation="999")  # another conversation
    make_mention(network="reddit", external_id="t1_x", extra={"link_id": ROOT_TWEET})  # another network

    context = thread_context(db_session, mention)
    assert (context.parent, context.root, context.parent_url) == (parent, root, None)
    assert context.others == [sibling]
    assert thread_context(db_session, root).others == [parent, mention, sibling]  # the root sees its replies


def test_x_parent_not_stored_is_linked(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    mention = make_mention(network="x", extra={"conversation_id": "77", "referenced": [
        {"type": "quoted", "id": "55"}, {"type": "replied_to", "id": "66"}]})
    context = thread_context(db_session, mention)
    assert (context.parent, context.parent_url, context.root, context.others) == (
        None, "https://x.com/i/web/status/66", None, [])
    assert not context.empty


def test_reddit_comment_in_its_submission(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    post = make_mention(network="reddit", external_id="t3_1p4w7cd", extra={"kind": "submission", "link_id": None})
    top = make_mention(network="reddit", external_id="t1_nq8ab00",
                       extra={"kind": "comment", "parent_id": "t3_1p4w7cd", "link_id": "t3_1p4w7cd"})
    reply = make_mention(network="reddit", external_id="t1_nq8ab99",
                         extra={"kind": "comment", "parent_id": "t1_nq8ab00", "link_id": "t3_1p4w7cd"})
    context = thread_context(db_session, reply)
    assert (context.parent, context.root, context.others) == (top, post, [])
    assert thread_context(db_session, post).others == [top, reply]
    top_context = thread_context(db_session, top)
    assert (top_context.parent, top_context.root, top_context.others) == (post, None, [reply])
    orphan = make_mention(network="reddit", extra={"kind": "comment", "parent_id": "t1_zz", "link_id": "t3_yy"})
    assert thread_context(db_session, orphan).parent_url == "https://www.reddit.com/comments/yy/_/zz/"


def test_hacker_news_story_ids_are_numbers(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    story = make_mention(network="hackernews", external_id="45870001", extra={"kind": "story", "story_id": 45870001})
    comment = make_mention(network="hackernews", external_id="45870960",
                           extra={"kind": "comment", "story_id": 45870001, "parent_id": 45870950})
    context = thread_context(db_session, comment)
    assert (context.parent, context.parent_url, context.root) == (
        None, "https://news.ycombinator.com/item?id=45870950", story)
    assert thread_context(db_session, story).others == [comment]


def test_mastodon_parent_by_its_id_on_the_instance(db_session: Session,
                                                   make_mention: Callable[..., Mention]) -> None:
    parent = make_mention(network="mastodon", extra={"instance": "mastodon.social", "status_id": "300"})
    make_mention(network="mastodon", extra={"instance": "fosstodon.org", "status_id": "301"})
    reply = make_mention(network="mastodon", extra={"instance": "mastodon.social", "status_id": "410",
                                                    "in_reply_to_id": "300"})
    assert thread_context(db_session, reply).parent == parent
    elsewhere = make_mention(network="mastodon", extra={"instance": "fosstodon.org", "status_id": "9",
                                                        "in_reply_to_id": "300"})
    context = thread_context(db_session, elsewhere)
    assert (context.parent, context.parent_url) == (None, "https://fosstodon.org/web/statuses/300")
    private = make_mention(network="mastodon", extra={"instance": "social.lan:3000", "status_id": "7",
                                                      "instance_url": "http://social.lan:3000",
                                                      "in_reply_to_id": "5"})
    assert thread_context(db_session, private).parent_url == "http://social.lan:3000/web/statuses/5"


def test_networks_without_threads_and_odd_extras(make_mention: Callable[..., Mention]) -> None:
    assert thread_ref(make_mention(network="appstore", extra={"parent_id": "1"})).parent_id is None
    assert thread_ref(make_mention(network="x", extra=None)).thread_key is None
    odd = thread_ref(make_mention(network="hackernews", extra={"parent_id": True, "story_id": "12"}))
    assert (odd.parent_id, odd.thread_key) == (None, None)


def test_ids_that_are_not_platform_ids_never_reach_a_link(make_mention: Callable[..., Mention]) -> None:
    hostile = thread_ref(make_mention(network="x", extra={"conversation_id": "1/../../evil", "referenced": [
        {"type": "replied_to", "id": "javascript:alert(1)"}]}))
    assert (hostile.parent_id, hostile.parent_url, hostile.thread_key) == (None, None, None)
    elsewhere = thread_ref(make_mention(network="mastodon",
                                        extra={"instance": "evil.example/x?", "in_reply_to_id": "1"}))
    assert (elsewhere.parent_url, elsewhere.parent_key) == (None, None)
