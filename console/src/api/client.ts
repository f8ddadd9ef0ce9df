// The only way the console reaches the API: the client generated from the gateway's
// published OpenAPI document (src/api/generated, made by `make console`).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/schema";
import { session } from "../session";
import { currentLocale } from "../i18n";

export type Schemas = components["schemas"];

/** A problem+json answer (RFC 9457) as the console shows it. */
export class ApiProblem extends Error {
  constructor(
    public status: number,
    public title: string,
    public detail: string,
    public errors: { loc?: (string | number)[]; msg?: string }[] = [],
  ) {
    super(detail || title);
  }
}

const authorise: Middleware = {
  async onRequest({ request }) {
    if (session.token) request.headers.set("Authorization", `Bearer ${session.token}`);
    request.headers.set("Accept-Language", currentLocale());
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401 && session.token) session.expired();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(authorise);

/** The data of an answer, or an ApiProblem for anything else: every screen's error state. */
export function ok<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data !== undefined && answer.response.ok) return answer.data;
  const problem = (answer.error ?? {}) as {
    title?: string;
    detail?: string;
    errors?: { loc?: (string | number)[]; msg?: string }[];
  };
  throw new ApiProblem(
    answer.response.status,
    problem.title ?? answer.response.statusText,
    problem.detail ?? "",
    problem.errors ?? [],
  );
}
