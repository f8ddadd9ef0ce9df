"""Every consumer's copy of an event against its producer: the copy names a published event,
reads every one of the producer's examples as they go on the wire, and asks for no field the
producer may leave out. And the AsyncAPI document says who sends and who receives what."""

from __future__ import annotations

from typing import Any

from tests.contracts.events_support import catalogs, merged_asyncapi, schema_errors, subscriptions


def _examples(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = schema.get("examples") or []
    return found or ([schema["example"]] if "example" in schema else [])


def test_every_copy_reads_every_example_its_producer_gives() -> None:
    producers = {t: (c, cls) for c in catalogs().values() for t, cls in c.events.items()}
    checked: list[tuple[str, str]] = []
    for consumer, subs in subscriptions().items():
        for subscription in subs:
            for event_type, copy in subscription.copies.items():
                assert event_type in producers, f"{consumer} reads {event_type}: nobody sends it"
                catalog, produced = producers[event_type]
                assert copy.__name__ == f"{produced.event_name}V{produced.event_version}"
                assert copy.event_version == produced.event_version
                examples = _examples(produced.model_json_schema())
                assert examples, f"{event_type} has no example to hold {consumer}'s copy to"
                produced_schema = produced.model_json_schema()
                required_by_producer = set(produced_schema.get("required", []))
                for field in copy.model_json_schema().get("required", []):
                    assert field in required_by_producer, (
                        f"{consumer}'s {copy.__name__} requires {field}, which "
                        f"{catalog.source} may leave out"
                    )
                for example in examples:
                    wire = catalog.example_envelope(produced, example).model_dump(mode="json")
                    copy.model_validate(wire["data"])
                checked.append((consumer, event_type))
    assert sorted(checked) == sorted(
        [
            ("goals", "collab.data-grant.changed"),
            ("performance", "goals.org-unit.changed"),
            ("performance", "goals.member.changed"),
            ("performance", "goals.kpi.updated"),
            ("performance", "collab.ticket.resolved"),
            ("performance", "collab.ticket.sla-breached"),
            ("performance", "goals.position.changed"),
            ("incentives", "goals.org-unit.changed"),
            ("incentives", "goals.member.changed"),
            ("incentives", "goals.kpi.updated"),
            ("incentives", "performance.review.closed"),
            ("incentives", "performance.score.computed"),
            ("incentives", "goals.kpi-definition.changed"),
            ("incentives", "performance.month.settled"),
            ("collab", "goals.org-unit.changed"),
            ("collab", "goals.member.changed"),
        ]
    )


def test_the_document_says_who_sends_and_who_receives_each_event() -> None:
    document = merged_asyncapi()
    sends = {
        (name.split("-sends-")[0], op["channel"]["$ref"].rsplit("/", 1)[1])
        for name, op in document["operations"].items()
        if op["action"] == "send"
    }
    receives = {
        (name.split("-receives-")[0], op["channel"]["$ref"].rsplit("/", 1)[1])
        for name, op in document["operations"].items()
        if op["action"] == "receive"
    }
    assert sends == {(c.source, t.rsplit(".", 1)[0]) for c in catalogs().values() for t in c.events}
    assert receives == {
        (s.consumer, t.rsplit(".", 1)[0])
        for subs in subscriptions().values()
        for s in subs
        for t in s.copies
    }
    for topic, channel in document["channels"].items():
        assert channel["bindings"]["kafka"]["topic"] == topic
        assert channel["bindings"]["kafka"]["partitions"] == 6
        assert channel["x-producer"] == topic.split(".")[0]
    for name, op in document["operations"].items():
        channel = document["channels"][op["channel"]["$ref"].rsplit("/", 1)[1]]
        for message in op["messages"]:
            assert message["$ref"].rsplit("/", 1)[1] in channel["messages"], name
    assert document["servers"]["kafka"]["protocol"] == "kafka"


def test_every_message_example_is_what_the_payload_schema_describes() -> None:
    document = merged_asyncapi()
    messages = document["components"]["messages"]
    assert len(messages) == sum(len(c.events) for c in catalogs().values())
    for name, message in messages.items():
        assert message["contentType"] == "application/cloudevents+json"
        assert message["headers"]["required"] == ["content-type"]
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        assert message["examples"], name
        for example in message["examples"]:
            payload = example["payload"]
            assert schema_errors(document, message["payload"]["$ref"], payload) == [], name
            assert payload["type"] == message["x-event-type"]
            assert payload["source"] == "/spearhead/" + payload["type"].split(".")[0]
            assert payload["dataschema"].endswith(
                f"/events/schemas/{payload['type']}/{message['x-version']}"
            )
            assert payload["dataschema"].startswith("http")
