// A real OpenID provider for the single sign-on tests (tests/support/oidc.py starts it):
// the npm package oidc-provider with its development log-in and consent pages, one client and
// the accounts given in the environment. Prints "listening" once it accepts connections.
//
//   OIDC_PORT          the port on 127.0.0.1
//   OIDC_CLIENT        {"client_id": …, "client_secret": …, "redirect_uris": [...]}
//   OIDC_ACCOUNTS      {"<login>": {email, email_verified, given_name, family_name, …}}
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const client = JSON.parse(process.env.OIDC_CLIENT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);

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
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ["hanse-test-only"] },
});
// Quiet: the development-mode warnings go to stderr, the log file of the fixture.
provider.listen(port, "127.0.0.1", () => {
  console.log("listening");
});
