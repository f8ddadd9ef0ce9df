"""Events the goals service consumes (none yet: it is the source of the organisation)."""

from shared.inbox import Subscription

subscriptions: list[Subscription] = []
