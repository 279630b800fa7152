// amazon-cognito-identity-js, unchanged, against the local Cognito through its `endpoint` option:
// the path a new user of a browser app takes, from sign-up to sign-out.
//
// Run by tests/e2e/test_js_sdk.py, which starts the stack and sets:
//   COGWORKS_BASE_URL      http://127.0.0.1:PORT (the stack; /cognito-idp and /local/* live under it)
//   COGWORKS_USER_POOL_ID  the pool to use (default: the demo pool from GET /local/config)
//   COGWORKS_CLIENT_ID     its app client, no secret, with SRP, password, custom and refresh flows
//   COGWORKS_ISSUER        the tokens' `iss` (default: COGWORKS_BASE_URL/cognito-idp/<pool id>)
// By hand against `make run`: COGWORKS_BASE_URL=http://127.0.0.1:8000 node --test tests/js/

import assert from 'node:assert/strict';
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { before, describe, test } from 'node:test';

// Captured before the SDK loads: the SDK imports isomorphic-unfetch, which must leave Node's fetch alone.
const nodeFetch = globalThis.fetch;
const { default: sdk } = await import('amazon-cognito-identity-js');
const {
  AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool,
} = sdk;

const PASSWORD = 'Correct-Horse-9';
const WRONG_PASSWORD = 'Not-The-Password-1';
const INCORRECT = 'Incorrect username or password.';

const baseUrl = (process.env.COGWORKS_BASE_URL || '').replace(/\/+$/, '');

async function getJson(path) {
  const response = await fetch(`${baseUrl}${path}`);
  assert.equal(response.status, 200, `GET ${path} answered ${response.status}`);
  return response.json();
}

// Every SDK callback the flow must not reach rejects, naming itself, so a surprise challenge fails loudly.
function authenticate(user, password) {
  const details = new AuthenticationDetails({ Username: user.getUsername(), Password: password });
  return new Promise((resolve, reject) => {
    const unexpected = (name) => (...args) => reject(new Error(`unexpected ${name}: ${JSON.stringify(args)}`));
    user.authenticateUser(details, {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: unexpected('newPasswordRequired'),
      mfaRequired: unexpected('mfaRequired'),
      totpRequired: unexpected('totpRequired'),
      mfaSetup: unexpected('mfaSetup'),
      selectMFAType: unexpected('selectMFAType'),
      customChallenge: unexpected('customChallenge'),
    });
  });
}

function nodeStyle(fn) {
  return new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));
}

function decodeJwt(token) {
  const [header, payload, signature] = token.split('.');
  const json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: json(header), claims: json(payload), signed: `${header}.${payload}`, signature };
}

async function verifyAgainstJwks(token, issuer) {
  const { header, claims, signed, signature } = decodeJwt(token);
  assert.equal(header.alg, 'RS256');
  const { keys } = await getJson(`${new URL(issuer).pathname}/.well-known/jwks.json`);
  const jwk = keys.find((key) => key.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} is not in the pool's JWKS`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  assert.ok(verify('RSA-SHA256', Buffer.from(signed), key, Buffer.from(signature, 'base64url')),
    'token signature does not verify against the JWKS');
  return claims;
}

async function assertRejects(promise, code, message) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    assert.equal(err.message, message);
    return true;
  });
}

describe('a new user, through amazon-cognito-identity-js', () => {
  let poolId;
  let clientId;
  let pool;
  let issuer;
  const username = `js-${randomUUID().slice(0, 12)}`;
  const email = `${username}@example.com`;
  let userSub;
  let srpSession;

  const newUser = () => new CognitoUser({ Username: username, Pool: pool });
  const signedIn = () => {
    assert.ok(srpSession, 'this step needs the session of the SRP sign-in step, which failed');
    return srpSession;
  };

  before(async () => {
    assert.ok(baseUrl, 'set COGWORKS_BASE_URL to the local stack, e.g. http://127.0.0.1:8000');
    const config = await getJson('/local/config');
    poolId = process.env.COGWORKS_USER_POOL_ID || config.userPoolId;
    clientId = process.env.COGWORKS_CLIENT_ID || config.clientId;
    issuer = (process.env.COGWORKS_ISSUER || `${baseUrl}/cognito-idp/${poolId}`).replace(/\/+$/, '');
    pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: `${baseUrl}/cognito-idp` });
  });

  test('the SDK runs on Node as-is: no fetch polyfill replaces the built-in one', () => {
    assert.equal(typeof nodeFetch, 'function');
    assert.equal(globalThis.fetch, nodeFetch);
  });

  test('signs up and is told where the code went', async () => {
    const attributes = [new CognitoUserAttribute({ Name: 'email', Value: email })];
    const result = await nodeStyle((cb) => pool.signUp(username, PASSWORD, attributes, [], cb));
    assert.equal(result.userConfirmed, false);
    assert.match(result.userSub, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(result.codeDeliveryDetails,
      { Destination: `${username[0]}***@e***`, DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    assert.equal(result.user.getUsername(), username);
    userSub = result.userSub;
  });

  test('cannot sign in before confirming', async () => {
    await assertRejects(authenticate(newUser(), PASSWORD), 'UserNotConfirmedException',
      'User is not confirmed.');
  });

  test('confirms with the code read from GET /local/outbox', async () => {
    const outbox = await getJson('/local/outbox');
    const message = outbox.find((m) => m.to === email && m.code);
    assert.ok(message, `no code was sent to ${email}`);
    const result = await nodeStyle((cb) => newUser().confirmRegistration(message.code, true, cb));
    assert.equal(result, 'SUCCESS');
  });

  test('signs in with SRP (USER_SRP_AUTH, the default) and gets tokens that verify', async () => {
    const user = newUser();
    assert.equal(user.getAuthenticationFlowType(), 'USER_SRP_AUTH');
    const session = await authenticate(user, PASSWORD);
    assert.ok(session.isValid());
    const idClaims = await verifyAgainstJwks(session.getIdToken().getJwtToken(), issuer);
    assert.equal(idClaims['cognito:username'], username);
    assert.equal(idClaims.iss, issuer);
    assert.equal(idClaims.sub, userSub);
    assert.equal(idClaims.aud, clientId);
    assert.equal(idClaims.token_use, 'id');
    assert.equal(idClaims.email, email);
    assert.deepEqual(session.getIdToken().decodePayload(), idClaims);
    const accessClaims = await verifyAgainstJwks(session.getAccessToken().getJwtToken(), issuer);
    assert.equal(accessClaims.iss, issuer);
    assert.equal(accessClaims.client_id, clientId);
    assert.equal(accessClaims.username, username);
    assert.equal(accessClaims.token_use, 'access');
    assert.ok(session.getRefreshToken().getToken());
    srpSession = session;
  });

  test('a wrong password over SRP is refused as Cognito refuses it', async () => {
    await assertRejects(authenticate(newUser(), WRONG_PASSWORD), 'NotAuthorizedException', INCORRECT);
  });

  test('signs in with USER_PASSWORD_AUTH; a wrong password is refused', async () => {
    const user = newUser();
    user.setAuthenticationFlowType('USER_PASSWORD_AUTH');
    const session = await authenticate(user, PASSWORD);
    assert.equal(session.getIdToken().decodePayload()['cognito:username'], username);
    assert.equal(session.getIdToken().decodePayload().iss, issuer);
    const wrong = newUser();
    wrong.setAuthenticationFlowType('USER_PASSWORD_AUTH');
    await assertRejects(authenticate(wrong, WRONG_PASSWORD), 'NotAuthorizedException', INCORRECT);
  });

  test('signs in with CUSTOM_AUTH opened by SRP_A, through the bundle\'s DefineAuthChallenge', async () => {
    const user = newUser();
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    const session = await authenticate(user, PASSWORD);
    assert.equal(session.getIdToken().decodePayload()['cognito:username'], username);
    const defines = (await getJson('/local/invocations'))
      .filter((i) => i.trigger === 'DefineAuthChallenge' && i.event.userName === username);
    assert.deepEqual(defines.slice(0, 2).map((i) => i.event.request.session.map((s) => s.challengeName)),
      [['SRP_A', 'PASSWORD_VERIFIER'], ['SRP_A']]);
    assert.equal(defines[0].result.response.issueTokens, true);
    assert.equal(defines[1].result.response.challengeName, 'PASSWORD_VERIFIER');
    const wrong = newUser();
    wrong.setAuthenticationFlowType('CUSTOM_AUTH');
    await assertRejects(authenticate(wrong, WRONG_PASSWORD), 'NotAuthorizedException', INCORRECT);
  });

  test('after a reload, the pool finds the signed-in user and its session in storage', async () => {
    const current = pool.getCurrentUser();
    assert.ok(current, 'no LastAuthUser in the SDK storage');
    assert.equal(current.getUsername(), username);
    const session = await nodeStyle((cb) => current.getSession(cb));
    assert.ok(session.isValid());
    assert.equal(session.getIdToken().decodePayload()['cognito:username'], username);
  });

  test('refreshes the session with its refresh token', async () => {
    const user = newUser();
    const session = await nodeStyle((cb) => user.refreshSession(signedIn().getRefreshToken(), cb));
    assert.ok(session.isValid());
    const idClaims = await verifyAgainstJwks(session.getIdToken().getJwtToken(), issuer);
    assert.equal(idClaims['cognito:username'], username);
    assert.equal(idClaims.iss, issuer);
    assert.notEqual(idClaims.jti, signedIn().getIdToken().decodePayload().jti);
    assert.equal(session.getRefreshToken().getToken(), signedIn().getRefreshToken().getToken());
    srpSession = session;
  });

  test('reads its attributes (GetUser)', async () => {
    const user = newUser();
    user.setSignInUserSession(signedIn());
    const attributes = await nodeStyle((cb) => user.getUserAttributes(cb));
    const byName = Object.fromEntries(attributes.map((a) => [a.getName(), a.getValue()]));
    assert.equal(byName.email, email);
    assert.equal(byName.email_verified, 'true');
    assert.equal(byName.sub, userSub);
  });

  test('signs out everywhere (GlobalSignOut): its tokens stop working', async (t) => {
    const user = newUser();
    user.setSignInUserSession(signedIn());
    const outcome = await new Promise((resolve) => {
      user.globalSignOut({ onSuccess: () => resolve(null), onFailure: resolve });
    });
    if (outcome !== null) {
      // GlobalSignOut may not exist in this emulator yet: the only acceptable failure says so.
      assert.equal(outcome.code, 'UnsupportedOperationException', `${outcome.code}: ${outcome.message}`);
      assert.match(outcome.message, /^GlobalSignOut is not supported/);
      t.diagnostic('GlobalSignOut is not implemented by the emulator yet: UnsupportedOperationException');
      return;
    }
    assert.equal(pool.getCurrentUser(), null, 'the SDK should have cleared its storage');
    const stale = newUser();
    stale.setSignInUserSession(signedIn());
    await assertRejects(nodeStyle((cb) => stale.getUserAttributes(cb)), 'NotAuthorizedException',
      'Access Token has been revoked');
    await assertRejects(nodeStyle((cb) => newUser().refreshSession(signedIn().getRefreshToken(), cb)),
      'NotAuthorizedException', 'Refresh Token has been revoked');
  });
});
