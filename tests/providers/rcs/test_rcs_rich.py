"""Reading RichContent buttons, quick replies and cards into RCS actions and cards."""

from __future__ import annotations

from roomkit.models import RichContent
from roomkit.providers.rcs._rich import RCSAction, RCSCard, rcs_actions, rcs_cards


def test_buttons_then_quick_replies_become_actions() -> None:
    content = RichContent(
        body="x",
        buttons=[
            {"title": "Site", "url": "https://example.com"},
            {"text": "Call", "phone": "+18005550100", "postback_data": "call"},
            {"label": "Yes", "value": "y"},
            {"title": "Plain"},
            {"title": "", "id": 7},
        ],
        quick_replies=["Later"],
    )

    assert rcs_actions(content) == [
        RCSAction(kind="url", title="Site", postback="Site", url="https://example.com"),
        RCSAction(kind="dial", title="Call", postback="call", phone="+18005550100"),
        RCSAction(kind="reply", title="Yes", postback="y"),
        RCSAction(kind="reply", title="Plain", postback="Plain"),
        RCSAction(kind="reply", title="", postback="7"),
        RCSAction(kind="reply", title="Later", postback="Later"),
    ]


def test_cards_accept_the_documented_key_aliases() -> None:
    content = RichContent(
        body="x",
        cards=[
            {
                "title": "A",
                "subtitle": "sub",
                "image": "https://i/a.png",
                "mime_type": "image/png",
            },
            {"body": "only body", "actions": [{"title": "Go", "url": "https://g"}]},
            {"text": "t", "buttons": "not a list"},
        ],
    )

    assert rcs_cards(content) == [
        RCSCard(title="A", description="sub", media_url="https://i/a.png", media_type="image/png"),
        RCSCard(
            description="only body",
            actions=[RCSAction(kind="url", title="Go", postback="Go", url="https://g")],
        ),
        RCSCard(description="t"),
    ]
