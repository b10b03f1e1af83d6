// A real OpenID Connect provider (panva's oidc-provider) for stadtlage's single sign-on tests.
// Started by tests/accounts/oidc.py, never in production. Configuration from the environment:
//   OIDC_PORT      port on 127.0.0.1
//   OIDC_CLIENTS   JSON list of clients (client_id, client_secret, redirect_uris,
//                  post_logout_redirect_uris)
//   OIDC_ACCOUNTS  JSON object: login -> {password, claims: {...}, amr: [...]}
// Sign-in is a plain form (German labels, no script); consent is implied for the test clients.
// Prints "ready <issuer>" on stdout once it listens.
import { createServer } from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS || "[]");
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || "{}");

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-key", use: "sig", alg: "RS256" };

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

const provider = new Provider(issuer, {
  clients: clients.map((c) => ({
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
    ...c,
  })),
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  claims: {
    openid: ["sub", "amr"],
    profile: ["preferred_username", "name", "roles"],
    email: ["email"],
  },
  findAccount: async (ctx, id) => {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
  // First-party test clients: consent is implied, no consent screen.
  loadExistingGrant: async (ctx) => {
    const existing = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid profile email");
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page("Beim Anmeldedienst abmelden?", `${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Ja, abmelden</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page("Abgemeldet", "<p>Sie sind beim Anmeldedienst abgemeldet.</p>");
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600,
         AuthorizationCode: 60 },
});
provider.on("server_error", (ctx, err) => console.error("server_error", err));

function loginForm(uid, error) {
  return page("Anmeldedienst (Test)", `${error ? `<p role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}">
<p><label for="login">Dienstkennung</label> <input id="login" name="login" autocomplete="username"></p>
<p><label for="password">Kennwort</label> <input id="password" name="password" type="password"></p>
<button type="submit">Beim Anmeldedienst anmelden</button></form>`);
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const handler = provider.callback();
const server = createServer(async (req, res) => {
  const match = /^\/interaction\/([\w-]+)$/.exec(req.url.split("?")[0]);
  if (!match) return handler(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === "GET") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return res.end(loginForm(details.uid));
    }
    const form = await readForm(req);
    const login = form.get("login") || "";
    const account = accounts[login];
    if (!account || account.password !== form.get("password")) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return res.end(loginForm(details.uid, "Dienstkennung oder Kennwort falsch."));
    }
    return await provider.interactionFinished(req, res, {
      login: { accountId: login, amr: account.amr || ["pwd"] },
    }, { mergeWithLastSubmission: false });
  } catch (err) {
    res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8" });
    return res.end(String(err));
  }
});
server.listen(port, "127.0.0.1", () => console.log(`ready ${issuer}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
