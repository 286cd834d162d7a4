// A real OpenID provider for the single sign-on tests (tests/support/oidc.py starts it):
// the npm package oidc-provider with its development log-in and consent pages, one client and
// the accounts given in the environment. Prints "listening" once it accepts connections.
//
//   OIDC_PORT          the port on 127.0.0.1
//   OIDC_CLIENT        {"client_id": …, "client_secret": …, "redirect_uris": [...]}
//   OIDC_ACCOUNTS      {"<login>": {email, email_verified, given_name, family_name, …}}
//   OIDC_JWKS          {"keys": [private JWK]}: the signing key (the tests sign with it too)
//
// Back-channel logout is on: a client with backchannel_logout_uri is sent a logout token
// when a session with it ends here (backchannel.success / backchannel.error in the log).
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const client = JSON.parse(process.env.OIDC_CLIENT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const jwks = JSON.parse(process.env.OIDC_JWKS);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      ...client,
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name", "preferred_username"],
  },
  // The development pages accept any log-in name: an unknown one is refused here, as a real
  // provider would.
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  features: { devInteractions: { enabled: true }, backchannelLogout: { enabled: true } },
  jwks,
  // Hanse's test server is on 127.0.0.1, which oidc-provider's protection against requests
  // to internal addresses (SSRF) refuses; and a loaded test machine may answer slowly.
  fetch(url, options) {
    const { dispatcher, ...rest } = options;
    return fetch(url, { ...rest, signal: AbortSignal.timeout(30000) });
  },
  pkce: { required: () => true },
  cookies: { keys: ["hanse-test-only"] },
});
provider.on("backchannel.success", (ctx, client, accountId, sid) => {
  console.log(JSON.stringify({ backchannel: "success", client: client.clientId, accountId, sid }));
});
provider.on("backchannel.error", (ctx, err, client, accountId, sid) => {
  console.log(JSON.stringify({ backchannel: "error", error: `${err} ${err.cause ?? ""} ${client.backchannelLogoutUri}`, accountId, sid }));
});
// Quiet: the development-mode warnings go to stderr, the log file of the fixture.
provider.listen(port, "127.0.0.1", () => {
  console.log("listening");
});
