// tokenserver.mjs runs a real OAuth 2.0 token endpoint (node oidc-provider)
// for mgmtapi's tests. It is started and stopped by internal/tests/testenv
// (StartTokenServer); do not run it by hand except for debugging:
//
//   TOKENSERVER_CONFIG='{"tokenPath":"/oauth/token"}' node tokenserver.mjs
//
// Configuration comes as JSON in the TOKENSERVER_CONFIG environment variable:
//
//   tokenPath    string   path of the token endpoint (routes.token), default "/token"
//   ttl          number   access-token lifetime in seconds when no resource is asked for
//   resources    object   resource indicator -> {"ttl": seconds, "scope": "a b"}
//   scopes       string[] scopes the provider knows
//   clients      object[] {"id","secret","authMethod","scope"}; authMethod is
//                         client_secret_basic or client_secret_post
//   mapAudience  boolean  enable the Auth0 compatibility middleware below
//
// It listens on 127.0.0.1 on a port the kernel picks and prints one line of
// JSON to stdout once it accepts connections: {"ready":true,"port":N,"issuer":"..."}.
//
// GET /_stats answers {"tokenRequests":N,"tokensIssued":N}: how many requests
// reached the token path and how many of them got a 200.

import * as crypto from 'node:crypto';
import * as http from 'node:http';
import * as querystring from 'node:querystring';

import Provider, { errors } from 'oidc-provider';

const cfg = JSON.parse(process.env.TOKENSERVER_CONFIG || '{}');
const tokenPath = cfg.tokenPath || '/token';
const defaultTTL = cfg.ttl || 300;
const resources = cfg.resources || {};
const scopes = cfg.scopes || [];
const clients = (cfg.clients || []).map((c) => ({
  client_id: c.id,
  client_secret: c.secret,
  token_endpoint_auth_method: c.authMethod || 'client_secret_basic',
  grant_types: ['client_credentials'],
  redirect_uris: [],
  response_types: [],
  scope: c.scope || scopes.join(' ') || undefined,
}));

const stats = { tokenRequests: 0, tokensIssued: 0 };

const server = http.createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = privateKey.export({ format: 'jwk' });
jwk.use = 'sig';
jwk.alg = 'RS256';
jwk.kid = 'testenv';

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [jwk] },
  scopes,
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  routes: { token: tokenPath },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: async () => false,
      getResourceServerInfo: async (_ctx, resourceIndicator) => {
        const rs = resources[resourceIndicator];
        if (!rs) {
          throw new errors.InvalidTarget();
        }
        return {
          scope: rs.scope ?? scopes.join(' '),
          accessTokenTTL: rs.ttl || defaultTTL,
          accessTokenFormat: 'opaque',
        };
      },
    },
  },
  ttl: {
    ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL || defaultTTL,
  },
});

// Counting middleware: every request that reaches the token path, and every
// one answered with 200, so tests can assert how often a client hit it.
//
// It also holds each client to its registered token_endpoint_auth_method.
// oidc-provider treats client_secret_basic and client_secret_post as
// interchangeable, but the real vendors do not (Asgardeo wants Basic, Umbraco
// and Auth0 want the credentials in the body), and our tests must catch a
// client that sends them the wrong way. The token issued in that case is
// withheld and the answer becomes 401 invalid_client.
provider.use(async (ctx, next) => {
  if (ctx.path === '/_stats' && ctx.method === 'GET') {
    ctx.body = stats;
    return;
  }
  if (ctx.path !== tokenPath) {
    await next();
    return;
  }
  stats.tokenRequests += 1;
  await next();
  const client = ctx.oidc?.client;
  if (ctx.status === 200 && client) {
    const used = /^basic /i.test(ctx.get('authorization')) ? 'client_secret_basic' : 'client_secret_post';
    if (used !== client.clientAuthMethod) {
      ctx.status = 401;
      ctx.body = {
        error: 'invalid_client',
        error_description: `client authenticated with ${used} but is registered for ${client.clientAuthMethod}`,
      };
      return;
    }
  }
  if (ctx.status === 200) {
    stats.tokensIssued += 1;
  }
});

// ---------------------------------------------------------------------------
// Auth0 compatibility middleware (test-only, enabled by mapAudience).
// Auth0's /oauth/token takes a JSON body and an "audience" parameter.
// oidc-provider accepts only form bodies on the token endpoint and reads the
// RFC 8707 "resource" parameter instead. This middleware rewrites a JSON
// token request into the equivalent form request and renames audience to
// resource, so the Auth0 preset can be tested against the real provider.
// ---------------------------------------------------------------------------
if (cfg.mapAudience) {
  provider.use(async (ctx, next) => {
    if (ctx.path === tokenPath && ctx.method === 'POST' && ctx.is('application/json')) {
      const chunks = [];
      for await (const chunk of ctx.req) {
        chunks.push(chunk);
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        ctx.status = 400;
        ctx.body = { error: 'invalid_request', error_description: 'malformed JSON body' };
        return;
      }
      if (body && typeof body === 'object' && 'audience' in body) {
        body.resource = body.audience;
        delete body.audience;
      }
      // The body stream is consumed; oidc-provider then falls back to
      // req.body, which it parses as a form.
      ctx.req.headers['content-type'] = 'application/x-www-form-urlencoded';
      ctx.req.body = querystring.stringify(body);
    }
    await next();
  });
}

server.on('request', provider.callback());

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});

process.stdout.write(`${JSON.stringify({ ready: true, port, issuer })}\n`);
