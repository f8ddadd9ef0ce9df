"""Events the incentives service consumes."""

from shared.inbox import Subscription

subscriptions: list[Subscription] = []
