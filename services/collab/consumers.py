"""Events the collab service consumes."""

from shared.inbox import Subscription

subscriptions: list[Subscription] = []
