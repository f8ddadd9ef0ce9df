"""``python -m deploy.demo --url ...``: the story into a running Spearhead."""

from deploy.demo.story import main

raise SystemExit(main())
