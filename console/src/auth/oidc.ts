// Production sign-in: OpenID Connect authorisation code with PKCE (oidc-client-ts), against
// the issuer the gateway names at /auth/sign-in.
import { UserManager, WebStorageStateStore } from "oidc-client-ts";

export interface OidcConfig {
  issuer: string;
  client_id: string;
  scope: string;
}

function manager(config: OidcConfig): UserManager {
  return new UserManager({
    authority: config.issuer,
    client_id: config.client_id,
    redirect_uri: `${window.location.origin}/console/callback`,
    post_logout_redirect_uri: `${window.location.origin}/console/`,
    response_type: "code",
    scope: config.scope,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

export async function startOidc(config: OidcConfig, returnTo: string): Promise<void> {
  sessionStorage.setItem("spearhead.oidc", JSON.stringify(config));
  await manager(config).signinRedirect({ state: returnTo });
}

/** The access token and name the issuer sent back, and where to go next. */
export async function finishOidc(): Promise<{ token: string; name?: string; returnTo: string }> {
  const saved = sessionStorage.getItem("spearhead.oidc");
  if (!saved) throw new Error("no sign-in was started here");
  const user = await manager(JSON.parse(saved) as OidcConfig).signinRedirectCallback();
  const returnTo = typeof user.state === "string" ? user.state : "/";
  return { token: user.access_token, name: user.profile.name, returnTo };
}
