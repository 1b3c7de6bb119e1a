// The OpenID Provider sessiond's OIDC tests sign in with: panva's oidc-provider (OpenID Certified),
// with its own login and consent pages (devInteractions: any login, any password), back-channel
// logout and RP-initiated logout on, and one static client for sessiond. Started by the tests:
//   node provider.mjs   with PORT, REDIRECT_URI, BACKCHANNEL_URI, POST_LOGOUT_URIS (comma-separated),
//   CLIENT_SECRET, optionally PKJWT_JWKS and PKJWT_REDIRECT_URI (a private_key_jwt client), and JWKS_FILE (its signing keys, private JWKs the test made, so that the test can
//   sign tokens "as the provider" to prove that each bad one is refused).
// Prints "ready <issuer>" once it listens.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const jwks = JSON.parse(readFileSync(process.env.JWKS_FILE, 'utf8'));

// A second client that authenticates with private_key_jwt, when the test gives its public keys.
const pkjwt = process.env.PKJWT_JWKS ? [{
  client_id: 'sessiond-pkjwt',
  redirect_uris: [process.env.PKJWT_REDIRECT_URI],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'private_key_jwt',
  token_endpoint_auth_signing_alg: 'RS256',
  jwks: JSON.parse(process.env.PKJWT_JWKS),
}] : [];

const provider = new Provider(issuer, {
  clients: [...pkjwt, {
    client_id: 'sessiond',
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    post_logout_redirect_uris: process.env.POST_LOGOUT_URIS.split(','),
    backchannel_logout_uri: process.env.BACKCHANNEL_URI,
    backchannel_logout_session_required: true,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks,
  cookies: { keys: ['sessiond-test-provider-cookie-key'] },
  features: {
    devInteractions: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  // The back-channel call goes to sessiond on 127.0.0.1, which oidc-provider's SSRF guard refuses
  // (special-use addresses): here, in a test, it may; and a loaded test machine gets 20 s, not 2.5.
  fetch: (url, options) => globalThis.fetch(url, { ...options, dispatcher: undefined, signal: AbortSignal.timeout(20000) }),
  // Profile and group claims in the ID token itself (code flow puts them only in userinfo otherwise).
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], profile: ['name'], groups: ['groups'] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    async claims() {
      return { sub: id, name: `User ${id}`, groups: id.startsWith('admin') ? ['sessiond-admins', 'staff'] : ['staff'] };
    },
  }),
});
provider.proxy = false;
provider.on('grant.error', (ctx, err) => console.error('grant.error', err.message, err.error_description || '', err.error_detail || ''));
provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.on('backchannel.error', (ctx, err, client) => console.error('backchannel.error', client.clientId, err.message,
  err.cause ? String(err.cause) : ''));
provider.on('backchannel.success', (ctx, client) => console.log('backchannel.success', client.clientId));

provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
