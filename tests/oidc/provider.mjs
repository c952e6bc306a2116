// An OpenID provider for the tests: node-oidc-provider (a certified implementation) on
// loopback, with its development sign-in pages. Any login is an account whose e-mail
// is the login itself (verified, unless it starts with "unverified").
// Usage: node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI LOGOUT_URI ID_TOKEN_TTL
import Provider from "oidc-provider";

const [port, clientId, clientSecret, redirectUri, logoutUri, idTokenTtl] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [logoutUri],
      response_types: ["code"],
      grant_types: ["authorization_code"],
    },
  ],
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: id,
          email_verified: !id.startsWith("unverified"),
          name: id.split("@")[0].replace(/[._]/g, " "),
        };
      },
    };
  },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  ttl: { IdToken: Number(idTokenTtl) || 3600 },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
});
provider.on("server_error", (ctx, error) => console.error("server_error", error));

provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
