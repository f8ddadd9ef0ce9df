// Smoke test of the generated TypeScript types with openapi-fetch, against a running
// Spearhead (SPEARHEAD_URL): mint a development token, create and list an org unit, and read
// the problem+json of a bad request. `tsc` checks this file against the generated types.
import createClient from "openapi-fetch";
import type { components, paths } from "../build/clients/typescript/schema.d.ts";

type Problem = components["schemas"]["ProblemDetails"];

const baseUrl = process.env.SPEARHEAD_URL ?? "http://127.0.0.1:8000";

function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

async function main(): Promise<void> {
  const anonymous = createClient<paths>({ baseUrl });
  const minted = await anonymous.POST("/auth/dev-token", {
    body: { member_id: "smoke-ts-admin", roles: ["admin"] },
  });
  check(minted.data !== undefined, `dev token: ${minted.response.status}`);
  const client = createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${minted.data.access_token}` },
  });

  const name = `市场部 smoke ${Date.now()}`;
  const created = await client.POST("/goals/org-units", { body: { name, kind: "department" } });
  check(created.response.status === 201 && created.data !== undefined, `create: ${created.response.status}`);
  const unit = created.data;
  check(unit.name === name, `created unit is named ${unit.name}`);

  let found = false;
  let cursor: string | undefined;
  do {
    const page = await client.GET("/goals/org-units", { params: { query: { limit: 200, cursor } } });
    check(page.data !== undefined, `list: ${page.response.status}`);
    found ||= page.data.items.some((item) => item.id === unit.id);
    cursor = page.data.next_cursor ?? undefined;
  } while (cursor !== undefined && !found);
  check(found, "the created unit is listed");

  const bad = await client.POST("/goals/org-units", {
    body: { name: "", kind: "department" },
  });
  check(bad.response.status === 422, `bad request answered ${bad.response.status}`);
  check(
    (bad.response.headers.get("content-type") ?? "").startsWith("application/problem+json"),
    "problem+json",
  );
  const problem: Problem | undefined = bad.error;
  check(problem !== undefined && problem.status === 422, "the problem says 422");
  console.log(`typescript smoke: created ${unit.id}, listed it, and read problem ${problem.type}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
