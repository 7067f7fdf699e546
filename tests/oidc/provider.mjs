// The OpenID Connect provider the tests sign in through: panva's oidc-provider (certified by the
// OpenID Foundation), run as is with its development login pages, where any account id is accepted.
// Started by tests/web/test_oidc_sign_in.py with, in its environment:
//   OIDC_PORT      the port to listen on (127.0.0.1); the issuer is http://127.0.0.1:<port>
//   OIDC_CLIENT    JSON: {"client_id", "client_secret", "redirect_uri"}
//   OIDC_ACCOUNTS  JSON: {"<account id (sub)>": {claims, e.g. "email", "email_verified"; and "amr",
//                  how the provider says it authenticated them, e.g. ["pwd", "mfa"]}}
// It prints "listening <issuer>" once it accepts requests.
//
// Besides the development login form (POST /interaction/<uid>, which names the account only), a
// login that also says how the account was authenticated: POST /interaction/<uid>/as with the same
// "login" field, which finishes the interaction with the account's "amr".
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const client = JSON.parse(process.env.OIDC_CLIENT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'tests', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: [client.redirect_uri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub', 'amr'],  // amr: how the login says the account was authenticated
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name'],
  },
  async findAccount(ctx, id) {
    if (!(id in accounts)) return undefined;
    const { amr, ...claims } = accounts[id];
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.proxy = false;
provider.use(async (ctx, next) => {
  if (ctx.method !== 'POST' || !/^\/interaction\/[^/]+\/as$/.test(ctx.path)) return next();
  let body = '';
  for await (const chunk of ctx.req) body += chunk;
  const login = new URLSearchParams(body).get('login');
  ctx.respond = false;
  await provider.interactionFinished(ctx.req, ctx.res, {
    login: { accountId: login, amr: accounts[login]?.amr },
  }, { mergeWithLastSubmission: false });
});
provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
