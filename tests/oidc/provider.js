#!/usr/bin/env node
// A real OpenID Connect provider (the certified npm package `oidc-provider`) on loopback,
// configured like FranceConnect for the portal's tests:
//   node tests/oidc/provider.js --port N [--portal http://127.0.0.1:P]... [--rogue-keys]
//                               [--signed-userinfo]
// - issuer http://127.0.0.1:N, discovery at /.well-known/openid-configuration;
// - FranceConnect's claims, each behind the scope of the same name (identity pivot, email,
//   preferred_username), and the eIDAS levels as acr values;
// - one test client per the portal base URLs given (--portal, repeatable): client id
//   `portail-test`, secret `secret-de-test-portail-candidat`, redirect URI
//   PORTAL/espace-candidat/franceconnect/callback, post-logout URI
//   PORTAL/espace-candidat/franceconnect/deconnecte;
// - the test identities of users.json: the interaction page lists them, one button each
//   (no password: a test identity provider, like FranceConnect's own test one). A POST
//   may name the acr to report (`acr`), by default the first level asked for;
// - --rogue-keys: ID tokens are signed with a key other than the one published in
//   jwks_uri (same kid), the way a compromised or misconfigured provider would;
// - --signed-userinfo: the userinfo endpoint answers with a signed JWT (RS256), as
//   FranceConnect's current platform does, instead of JSON.
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const CLIENT_ID = "portail-test";
const CLIENT_SECRET = "secret-de-test-portail-candidat";
const USERS = JSON.parse(fs.readFileSync(path.join(__dirname, "users.json"), "utf8"));
const CLAIMS = [
  "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry",
  "email", "preferred_username",
];
const ACR_LEVELS = ["eidas1", "eidas2", "eidas3"];
const KID = "cle-de-test";

function options(argv) {
  const found = { port: 0, portals: [], rogue: false, signedUserinfo: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === "--port") found.port = Number(argv[++i]);
    else if (argv[i] === "--portal") found.portals.push(argv[++i].replace(/\/$/, ""));
    else if (argv[i] === "--rogue-keys") found.rogue = true;
    else if (argv[i] === "--signed-userinfo") found.signedUserinfo = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!found.port) throw new Error("--port N is required");
  return found;
}

function rsaJwk() {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: KID, use: "sig", alg: "RS256" };
}

function publicPart(jwk) {
  const { kty, n, e, kid, use, alg } = jwk;
  return { kty, n, e, kid, use, alg };
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginPage(uid) {
  const buttons = Object.entries(USERS).map(([id, user]) => `
<form method="post" action="/interaction/${escape(uid)}/login">
  <input type="hidden" name="user" value="${escape(id)}">
  <button type="submit">${escape(user.given_name)} ${escape(user.family_name)}</button>
</form>`).join("");
  return page("Fournisseur d'identité de test", `<p>Choisissez l'identité de test :</p>${buttons}
<form method="get" action="/interaction/${escape(uid)}/abort"><button type="submit">Annuler</button></form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

async function grantFor(provider, details, accountId) {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  return grant.save();
}

function interactions(provider) {
  return async (ctx, next) => {
    const match = ctx.path.match(/^\/interaction\/([^/]+)(?:\/(login|abort))?$/);
    if (!match) return next();
    const { req, res } = ctx;
    const details = await provider.interactionDetails(req, res);
    let result;
    if (match[2] === "abort") {
      result = { error: "access_denied", error_description: "annulé par l'usager" };
    } else if (details.prompt.name === "consent") {
      result = { consent: { grantId: await grantFor(provider, details, details.session.accountId) } };
    } else if (match[2] === "login" && ctx.method === "POST") {
      const form = await readForm(req);
      const accountId = form.get("user");
      if (!USERS[accountId]) ctx.throw(400, "unknown test user");
      const asked = (details.params.acr_values || "").split(" ").filter(Boolean);
      const acr = form.get("acr") || asked[0] || "eidas1";
      result = {
        login: { accountId, acr, amr: ["pwd"] },
        consent: { grantId: await grantFor(provider, details, accountId) },
      };
    } else {
      ctx.type = "html";
      ctx.body = loginPage(details.uid);
      return undefined;
    }
    const to = await provider.interactionResult(req, res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(to);
    return undefined;
  };
}

function configuration(portals, signingKey, signedUserinfo) {
  const claims = { openid: ["sub"] };
  for (const claim of CLAIMS) claims[claim] = [claim];
  return {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      redirect_uris: portals.map((p) => `${p}/espace-candidat/franceconnect/callback`),
      post_logout_redirect_uris: portals.map((p) => `${p}/espace-candidat/franceconnect/deconnecte`),
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: "RS256",
      ...(signedUserinfo ? { userinfo_signed_response_alg: "RS256" } : {}),
    }],
    claims,
    scopes: ["openid", ...CLAIMS],
    acrValues: ACR_LEVELS,
    jwks: { keys: [signingKey] },
    cookies: { keys: [crypto.randomBytes(32).toString("hex")] },
    pkce: { required: () => false },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = "html";
          ctx.body = page("Déconnexion du fournisseur d'identité de test", `${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Me déconnecter</button>`);
        },
      },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (ctx, sub) => (USERS[sub] ? {
      accountId: sub,
      claims: async () => ({ sub, ...USERS[sub] }),
    } : undefined),
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = page("Erreur du fournisseur d'identité de test", `<pre>${escape(JSON.stringify(out))}</pre>`);
    },
  };
}

async function main() {
  const { port, portals, rogue, signedUserinfo } = options(process.argv.slice(2));
  const { default: Provider } = await import("oidc-provider");
  const signingKey = rsaJwk();
  const published = publicPart(rogue ? rsaJwk() : signingKey);
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration(portals, signingKey, signedUserinfo));
  if (rogue) {
    provider.use(async (ctx, next) => {
      if (ctx.path !== "/jwks") return next();
      ctx.type = "application/jwk-set+json";
      ctx.body = { keys: [published] };
      return undefined;
    });
  }
  provider.use(interactions(provider));
  const server = provider.listen(port, "127.0.0.1", () => {
    process.stdout.write(`oidc-provider listening on ${issuer}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
