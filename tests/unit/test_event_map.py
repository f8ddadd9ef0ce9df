"""The event map (``deploy.docs``) built from the services' code, without any server, and
the committed docs/architecture.md held to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy import docs
from deploy.docs import Consumption, EventMap
from gateway.docs import merge_events
from shared.asyncapi import service_document


@pytest.fixture(scope="module")
def event_map() -> EventMap:
    return docs.build(docs.load_definitions())


def test_kpi_updated_goes_from_goals_to_performance_and_incentives(event_map: EventMap) -> None:
    kpi = event_map.event("goals.kpi.updated")
    assert (kpi.name, kpi.version, kpi.producer, kpi.topic, kpi.key) == (
        "KPIUpdated",
        1,
        "goals",
        "goals.kpi",
        "owner_id",
    )
    assert kpi.consumers == (
        Consumption(consumer="incentives", copy="KPIUpdatedV1", version=1, in_runs=True),
        Consumption(consumer="performance", copy="KPIUpdatedV1", version=1, in_runs=True),
    )


def test_member_changed_is_read_by_every_other_service(event_map: EventMap) -> None:
    member = event_map.event("goals.member.changed")
    assert (member.producer, member.topic, member.key) == ("goals", "goals.member", "member_id")
    assert [c.consumer for c in member.consumers] == ["collab", "incentives", "performance"]
    assert all(not c.in_runs for c in member.consumers)


def test_goals_reads_only_the_data_grants_of_collab(event_map: EventMap) -> None:
    goals = event_map.service("goals")
    assert goals.consumes == ("collab.data-grant.changed",)
    assert goals.dead_letter_topics == ("collab.data-grant.goals.dlt",)
    grant = event_map.event("collab.data-grant.changed")
    assert (grant.producer, grant.key, [c.consumer for c in grant.consumers]) == (
        "collab",
        "grant_id",
        ["goals"],
    )


def test_performance_publishes_four_events_and_incentives_reads_three(
    event_map: EventMap,
) -> None:
    assert event_map.service("performance").publishes == (
        "performance.competency.assessed",
        "performance.month.settled",
        "performance.review.closed",
        "performance.score.computed",
    )
    readers = {
        e.event_type: [c.consumer for c in e.consumers]
        for e in event_map.events
        if e.producer == "performance"
    }
    assert readers == {
        "performance.competency.assessed": [],
        "performance.month.settled": ["incentives"],
        "performance.review.closed": ["incentives"],
        "performance.score.computed": ["incentives"],
    }


def test_every_service_has_its_own_schema_and_every_copy_a_producer(event_map: EventMap) -> None:
    assert [(s.name, s.schema) for s in event_map.services] == [
        ("collab", "collab"),
        ("goals", "goals"),
        ("incentives", "incentives"),
        ("performance", "performance"),
    ]
    assert event_map.unpublished == ()
    types = [e.event_type for e in event_map.events]
    assert types == sorted(types)
    assert all(e.topic == e.event_type.rsplit(".", 1)[0] for e in event_map.events)


def test_the_live_channel_listens_to_published_topics(event_map: EventMap) -> None:
    assert event_map.live_topics == (
        "collab.ticket",
        "incentives.bonus",
        "performance.review",
        "performance.score",
    )
    assert set(event_map.live_topics) <= set(event_map.topics())


def test_the_section_names_no_machine_and_is_the_same_twice(event_map: EventMap) -> None:
    section = docs.render(event_map)
    assert section == docs.render(docs.build(docs.load_definitions()))
    assert section.startswith(docs.START) and section.endswith(docs.END)
    assert str(docs.ROOT) not in section
    assert "  goals --> t_goals_kpi" in section
    assert "  t_goals_kpi -->|KPIUpdated| performance" in section
    assert (
        "| `goals.kpi.updated` | KPIUpdated | 1 | goals | `goals.kpi` | `owner_id` "
        "| incentives (`KPIUpdatedV1`, in runs), performance (`KPIUpdatedV1`, in runs) |"
    ) in section


def test_the_map_says_what_the_gateways_asyncapi_document_says(event_map: EventMap) -> None:
    """The same catalogues and subscriptions, read the way ``/asyncapi.json`` reads them."""
    document = merge_events(
        {
            name: service_document(definition.catalog, definition.subscriptions)
            for name, definition in docs.load_definitions().items()
        }
    )
    producers = {topic: channel["x-producer"] for topic, channel in document["channels"].items()}
    assert producers == {e.topic: e.producer for e in event_map.events}
    receives = sorted(
        (
            operation["bindings"]["kafka"]["groupId"]["enum"][0],
            operation["channel"]["$ref"].removeprefix("#/channels/"),
            message["$ref"].rsplit("/", 1)[1],
        )
        for operation in document["operations"].values()
        if operation["action"] == "receive"
        for message in operation["messages"]
    )
    assert receives == sorted(
        (c.consumer, e.topic, c.copy) for e in event_map.events for c in e.consumers
    )
    assert len(receives) == 16  # collab 2, goals 1, incentives 7, performance 6


def test_splice_replaces_only_the_generated_section() -> None:
    page = f"intro\n{docs.START}\nold\n{docs.END}\nafter\n"
    assert docs.splice(page, "NEW") == "intro\nNEW\nafter\n"
    with pytest.raises(ValueError, match="no generated section"):
        docs.splice("no markers here", "NEW")


def test_the_committed_architecture_page_is_the_generated_one() -> None:
    committed = docs.PAGE.read_text(encoding="utf-8")
    assert committed == docs.expected(committed), "run `make docs` and commit docs/architecture.md"


def test_check_fails_with_a_message_when_the_page_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "architecture.md"
    stale.write_text(f"# page\n{docs.START}\nold map\n{docs.END}\n", encoding="utf-8")
    monkeypatch.setattr(docs, "PAGE", stale)
    assert docs.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert docs.main([]) == 0
    assert docs.main(["--check"]) == 0
    assert "old map" not in stale.read_text(encoding="utf-8")
