// Who is signed in: their token and the claims in it (the services decide what they may see).
import { reactive } from "vue";

export type Role = "member" | "manager" | "hr" | "finance" | "admin";

interface Claims {
  sub: string;
  name?: string;
  roles?: Role[];
  units?: string[];
  exp?: number;
}

const KEY = "spearhead.session";

function claimsOf(token: string): Claims | null {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      Array.from(atob(part), (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""),
    );
    return JSON.parse(json) as Claims;
  } catch {
    return null;
  }
}

export const session = reactive({
  token: "" as string,
  memberId: "" as string,
  name: "" as string,
  roles: [] as Role[],
  units: [] as string[],
  reason: "" as "" | "expired" | "signed-out",
  get signedIn(): boolean {
    return this.token !== "";
  },
  has(...roles: Role[]): boolean {
    return roles.some((r) => this.roles.includes(r));
  },
  start(token: string, name?: string): boolean {
    const claims = claimsOf(token);
    if (!claims || (claims.exp && claims.exp * 1000 < Date.now())) return false;
    this.token = token;
    this.memberId = claims.sub;
    this.name = name ?? claims.name ?? claims.sub;
    this.roles = claims.roles ?? ["member"];
    this.units = claims.units ?? [];
    this.reason = "";
    sessionStorage.setItem(KEY, JSON.stringify({ token, name: this.name }));
    return true;
  },
  end(reason: "expired" | "signed-out" = "signed-out"): void {
    this.token = "";
    this.memberId = "";
    this.roles = [];
    this.units = [];
    this.reason = reason;
    sessionStorage.removeItem(KEY);
  },
  expired(): void {
    this.end("expired");
  },
});

const saved = sessionStorage.getItem(KEY);
if (saved) {
  const { token, name } = JSON.parse(saved) as { token: string; name?: string };
  if (!session.start(token, name)) sessionStorage.removeItem(KEY);
}
