"""The mention page shows the post in context (parent, thread, the author's earlier mentions) and the queue
marks repeat complainers; everything a customer wrote stays escaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient

from models import Mention, User
from models.base import utcnow


def test_parent_thread_and_author_history_on_the_mention_page(client: FlaskClient, logged_in: Callable[[str], User],
                                                              make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    now = utcnow()
    parent = make_mention(network="x", external_id="100", author="brand_fan",
                          text="Parent <img src=x onerror=alert(1)>",
                          extra={"conversation_id": "100", "referenced": []}, created_at=now - timedelta(hours=3))
    sibling = make_mention(network="x", external_id="102", text="Me too!",
                           extra={"conversation_id": "100", "referenced": [{"type": "replied_to", "id": "100"}]},
                           created_at=now - timedelta(hours=2))
    earlier = make_mention(network="x", author_id="grumpy", complaint=0.8, text="Still broken, second week.",
                           created_at=now - timedelta(days=3))
    mention = make_mention(network="x", external_id="101", author_id="grumpy", complaint=0.9,
                           extra={"conversation_id": "100", "referenced": [{"type": "replied_to", "id": "100"}]},
                           created_at=now - timedelta(hours=1))
    html = client.get(f"/mentions/{mention.id}").get_data(as_text=True)
    assert 'id="thread-parent"' in html and f'href="/mentions/{parent.id}"' in html
    assert "Parent &lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert f'href="/mentions/{sibling.id}"' in html and "Same conversation:" in html
    assert 'id="repeat-complainer"' in html and f'href="/mentions/{earlier.id}"' in html
    assert "Still broken, second week." in html

    parent_html = client.get(f"/mentions/{parent.id}").get_data(as_text=True)
    assert 'id="thread-parent"' not in parent_html and parent_html.count('class="thread-other"') == 2
    assert 'id="repeat-complainer"' not in parent_html


def test_a_parent_we_do_not_store_is_linked(client: FlaskClient, logged_in: Callable[[str], User],
                                            make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    mention = make_mention(network="hackernews", external_id="45870960", author_id=None,
                           extra={"kind": "comment", "story_id": 45870001, "parent_id": 45870950})
    html = client.get(f"/mentions/{mention.id}").get_data(as_text=True)
    assert 'href="https://news.ycombinator.com/item?id=45870950" rel="noopener noreferrer nofollow"' in html
    assert "no stable author id" in html


def test_a_mention_alone(client: FlaskClient, logged_in: Callable[[str], User],
                         make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    html = client.get(f"/mentions/{make_mention(network='appstore').id}").get_data(as_text=True)
    assert 'id="thread-none"' in html and 'id="author-history-none"' in html


def test_the_queue_card_marks_a_repeat_complainer(client: FlaskClient, logged_in: Callable[[str], User],
                                                  make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    now = utcnow()
    for hours in (5, 1):
        make_mention(status="needs_reply", author_id="again", author="again", complaint=0.9,
                     created_at=now - timedelta(hours=hours))
    once = make_mention(status="needs_reply", author_id="once", author="once", complaint=0.9, created_at=now)
    html = client.get("/queue").get_data(as_text=True)
    assert html.count(">repeat complainer</span>") == 2
    card = html[html.index(f'id="mention-{once.id}"'):]
    assert "repeat complainer" not in card[:card.index("</li>")]
