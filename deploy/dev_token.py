"""``make token``: a development token for a demo user (refused in production)."""

from __future__ import annotations

import argparse

from gateway.settings import Settings
from shared.auth import mint_token


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--member", required=True)
    parser.add_argument("--roles", default="member", help="comma-separated roles")
    parser.add_argument("--units", default="", help="comma-separated org unit ids")
    args = parser.parse_args()
    settings = Settings()
    if settings.is_production:
        raise SystemExit("tokens are not minted in production")
    print(
        mint_token(
            settings,
            member_id=args.member,
            roles=[r for r in args.roles.split(",") if r],
            units=[u for u in args.units.split(",") if u],
        )
    )


if __name__ == "__main__":
    main()
