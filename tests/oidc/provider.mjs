// The OpenID Connect provider the tests sign in through: panva's oidc-provider (certified by the
// OpenID Foundation), run as is with its development login pages, where any account id is accepted.
// Started by tests/web/test_oidc_sign_in.py with, in its environment:
//   OIDC_PORT      the port to listen on (127.0.0.1); the issuer is http://127.0.0.1:<port>
//   OIDC_CLIENT    JSON: {"client_id", "client_secret", "redirect_uri"}
//   OIDC_ACCOUNTS  JSON: {"<account id (sub)>": {claims, e.g. "email", "email_verified"}}
// It prints "listening <issuer>" once it accepts requests.
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
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name'],
  },
  async findAccount(ctx, id) {
    if (!(id in accounts)) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));
