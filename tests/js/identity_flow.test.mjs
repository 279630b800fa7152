// The AWS SDK for JavaScript v3, unchanged, against the local identity pool: users signed in with
// amazon-cognito-identity-js exchange their ID tokens (GetId + GetCredentialsForIdentity, and the
// fromCognitoIdentityPool credential provider) for temporary credentials, which moto's IAM then honours or
// refuses on the demo bucket and table; a guest gets the unauthenticated role; a bad token is refused.
//
// Run by tests/e2e/test_js_identity.py, which starts the stack, creates the users and sets:
//   COGWORKS_BASE_URL         http://127.0.0.1:PORT (the stack; /local/config names everything else)
//   COGWORKS_ADMIN_USERNAME   a confirmed user of the demo pool in group `admins`
//   COGWORKS_MEMBER_USERNAME  a confirmed user of the demo pool in no group
//   COGWORKS_PASSWORD         their password
// By hand against `make run`, with those users: COGWORKS_BASE_URL=http://127.0.0.1:8000 ... \
//   node --test tests/js/identity_flow.test.mjs

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';

import {
  CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand, NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity';
import {
  DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';

const { default: userPoolSdk } = await import('amazon-cognito-identity-js');
const { AuthenticationDetails, CognitoUser, CognitoUserPool } = userPoolSdk;

const baseUrl = (process.env.COGWORKS_BASE_URL || '').replace(/\/+$/, '');
const IDENTITY_ID = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOUR_MS = 3600 * 1000;

async function getJson(path) {
  const response = await fetch(`${baseUrl}${path}`);
  assert.equal(response.status, 200, `GET ${path} answered ${response.status}`);
  return response.json();
}

function signIn(pool, username, password) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve, reject) => {
    const unexpected = (name) => () => reject(new Error(`unexpected ${name} for ${username}`));
    user.authenticateUser(details, {
      onSuccess: (session) => resolve(session.getIdToken().getJwtToken()),
      onFailure: reject,
      newPasswordRequired: unexpected('newPasswordRequired'),
      mfaRequired: unexpected('mfaRequired'),
      totpRequired: unexpected('totpRequired'),
      customChallenge: unexpected('customChallenge'),
    });
  });
}

async function assertRejects(promise, name, message) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

// The name of the role the credentials stand for, from STS GetCallerIdentity.
const roleName = (arn) => arn.split('/').at(-1);

// `node --test tests/js/` by hand runs this file too: without its users it is skipped, saying what to set.
const USER_VARIABLES = ['COGWORKS_ADMIN_USERNAME', 'COGWORKS_MEMBER_USERNAME', 'COGWORKS_PASSWORD'];
const missing = USER_VARIABLES.filter((name) => !process.env[name]);
const skip = missing.length ? `set ${missing.join(', ')} (tests/e2e/test_js_identity.py creates the users)` : false;

describe('identity pool credentials through the AWS SDK for JavaScript v3', { skip }, () => {
  let config;
  let identity;
  let aws;
  let logins;
  const tokens = {};

  before(async () => {
    assert.ok(baseUrl, 'set COGWORKS_BASE_URL to the local stack, e.g. http://127.0.0.1:8000');
    config = await getJson('/local/config');
    assert.ok(config.identityPoolId && config.bucket && config.table, 'the demo identity pool is not set up');
    // GetId and GetCredentialsForIdentity are public: the SDK signs nothing when it has no credentials to
    // find, but a client needs some provider; the demo's own keys would do as well as these.
    identity = new CognitoIdentityClient({
      region: config.region, endpoint: config.endpoints['cognito-identity'], maxAttempts: 1,
      credentials: { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' },
    });
    aws = { region: config.region, endpoint: config.endpoints.aws, maxAttempts: 1 };
    const provider = `cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`;
    logins = (token) => ({ [provider]: token });
    const pool = new CognitoUserPool({
      UserPoolId: config.userPoolId, ClientId: config.clientId, endpoint: config.endpoints['cognito-idp'],
    });
    tokens.admin = await signIn(pool, process.env.COGWORKS_ADMIN_USERNAME, process.env.COGWORKS_PASSWORD);
    tokens.member = await signIn(pool, process.env.COGWORKS_MEMBER_USERNAME, process.env.COGWORKS_PASSWORD);
  });

  async function credentialsFor(token) {
    const Logins = token ? logins(token) : undefined;
    const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: config.identityPoolId, Logins }));
    assert.match(IdentityId, IDENTITY_ID);
    const reply = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    assert.equal(reply.IdentityId, IdentityId);
    const { AccessKeyId, SecretKey, SessionToken, Expiration } = reply.Credentials;
    assert.ok(AccessKeyId && SecretKey && SessionToken);
    assert.ok(Expiration instanceof Date, 'Expiration is parsed as a date');
    const left = Expiration.getTime() - Date.now();
    assert.ok(left > HOUR_MS - 5 * 60 * 1000 && left <= HOUR_MS + 60 * 1000, `credentials expire in ${left} ms`);
    return {
      identityId: IdentityId,
      credentials: { accessKeyId: AccessKeyId, secretAccessKey: SecretKey, sessionToken: SessionToken },
    };
  }

  function clients(credentials) {
    return {
      sts: new STSClient({ ...aws, credentials }),
      s3: new S3Client({ ...aws, credentials, forcePathStyle: true }),
      dynamodb: new DynamoDBClient({ ...aws, credentials }),
    };
  }

  async function assertReads({ s3, dynamodb }) {
    const object = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: 'welcome.txt' }));
    assert.match(await object.Body.transformToString(), /^Welcome/);
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: config.table, Key: { pk: { S: 'welcome' } } }));
    assert.equal(Item.message.S, 'Welcome to the cogworks demo table.');
  }

  test('a user in group admins gets the editor role: reads and writes the bucket and the table', async () => {
    const { identityId, credentials } = await credentialsFor(tokens.admin);
    const again = await identity.send(new GetIdCommand({
      IdentityPoolId: config.identityPoolId, Logins: logins(tokens.admin),
    }));
    assert.equal(again.IdentityId, identityId, 'the same user gets the same identity id');
    const { sts, s3, dynamodb } = clients(credentials);
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(roleName(caller.Arn), 'CognitoIdentityCredentials');
    assert.match(caller.Arn, new RegExp(`:assumed-role/${roleName(config.roles.editor)}/`));
    await assertReads({ s3, dynamodb });
    const key = `notes/js-${randomUUID()}.txt`;
    await s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: 'written from Node' }));
    const written = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
    assert.equal(await written.Body.transformToString(), 'written from Node');
    await s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
    const pk = { S: `js-${randomUUID()}` };
    await dynamodb.send(new PutItemCommand({ TableName: config.table, Item: { pk, note: { S: 'from Node' } } }));
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: config.table, Key: { pk } }));
    assert.equal(Item.note.S, 'from Node');
    await dynamodb.send(new DeleteItemCommand({ TableName: config.table, Key: { pk } }));
  });

  test('a member gets the authenticated role: reads, and is refused every write', async () => {
    const { credentials } = await credentialsFor(tokens.member);
    const { sts, s3, dynamodb } = clients(credentials);
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    assert.match(caller.Arn, new RegExp(`:assumed-role/${roleName(config.roles.authenticated)}/`));
    await assertReads({ s3, dynamodb });
    await assertRejects(s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: 'notes/member.txt', Body: 'x' })),
      'AccessDenied');
    await assertRejects(s3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: 'welcome.txt' })),
      'AccessDenied');
    await assertRejects(dynamodb.send(new PutItemCommand({ TableName: config.table, Item: { pk: { S: 'member' } } })),
      'AccessDeniedException');
  });

  test('fromCognitoIdentityPool, as an app would use it, gives the member the same role', async () => {
    const credentials = fromCognitoIdentityPool({
      identityPoolId: config.identityPoolId,
      logins: logins(tokens.member),
      clientConfig: { region: config.region, endpoint: config.endpoints['cognito-identity'], maxAttempts: 1 },
    });
    const resolved = await credentials();
    assert.match(resolved.identityId, IDENTITY_ID);
    const { sts, s3 } = clients(credentials);
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    assert.match(caller.Arn, new RegExp(`:assumed-role/${roleName(config.roles.authenticated)}/`));
    const object = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: 'welcome.txt' }));
    assert.match(await object.Body.transformToString(), /^Welcome/);
    await assertRejects(s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: 'notes/app.txt', Body: 'x' })),
      'AccessDenied');
  });

  test('a guest (no Logins) gets the unauthenticated role, scoped down to neither S3 nor DynamoDB', async () => {
    const { credentials } = await credentialsFor(null);
    const { sts, s3, dynamodb } = clients(credentials);
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    assert.match(caller.Arn, new RegExp(`:assumed-role/${roleName(config.roles.unauthenticated)}/`));
    await assertRejects(s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: 'public/guest.txt' })),
      'AccessDenied');
    await assertRejects(dynamodb.send(new GetItemCommand({ TableName: config.table, Key: { pk: { S: 'welcome' } } })),
      'AccessDeniedException');
  });

  test('a token whose signature was tampered with is refused as Cognito refuses it', async () => {
    const [header, payload, signature] = tokens.member.split('.');
    const flipped = `${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const forged = logins(`${header}.${payload}.${flipped}`);
    const refused = identity.send(new GetIdCommand({ IdentityPoolId: config.identityPoolId, Logins: forged }));
    await assertRejects(refused, 'NotAuthorizedException', "Invalid login token. Couldn't verify signed token.");
    await assert.rejects(
      identity.send(new GetIdCommand({ IdentityPoolId: config.identityPoolId, Logins: logins('not-a-jwt') })),
      (err) => {
        assert.ok(err instanceof NotAuthorizedException, `${err.name}: ${err.message}`);
        assert.equal(err.message, 'Invalid login token. Not a valid OpenId Connect identity token.');
        assert.equal(err.$metadata.httpStatusCode, 400);
        return true;
      });
  });
});
