import type { Server } from 'node:http';
import { createOrganization, PASSWORD, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, listen, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let url: string;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  ({ server, url } = await listen(testApp.app));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
});

type JsonResponse = { json(): Promise<any> } & Response;

function post(body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

test('healthz and readyz answer', async () => {
  expect(await (await (fetch(`${url}/healthz`) as Promise<JsonResponse>)).json()).toEqual({ status: 'ok' });
  expect(await (await (fetch(`${url}/readyz`) as Promise<JsonResponse>)).json()).toEqual({ status: 'ready' });
});

test('GET /graphql gives a browser the self-hosted playground and a GraphQL client JSON', async () => {
  const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(page.headers.get('vary')).toMatch(/Accept/i);
  const html = await page.text();
  // Every asset comes from this server: no absolute URL at all in the page.
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  for (const asset of html.match(/(?<=(src|href)=")[^"]+/g) ?? []) {
    expect((await fetch(`${url}${asset}`)).status).toBe(200);
  }

  const json = await fetch(`${url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
    headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
  });
  expect(await json.json()).toEqual({ data: { __typename: 'Query' } });
});

test('answers carry no ETag: nothing hashes a per-viewer answer for a revalidation that never comes', async () => {
  const response = await post({ query: '{ __typename }' });
  expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  expect(response.headers.get('etag')).toBeNull();
  expect((await fetch(`${url}/healthz`)).headers.get('etag')).toBeNull();
});

test('login over HTTP returns a token that then authenticates; a request id comes back', async () => {
  const login = await post({
    query: `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token role expiresAt } }`,
    variables: { email: org.users.THERAPIST.email, password: PASSWORD },
  });
  const { data } = await login.json();
  expect(data.login.role).toBe('THERAPIST');
  const viewer = await post(
    { query: '{ viewer { role displayName } }' },
    { authorization: `Bearer ${data.login.token}`, 'x-request-id': 'req-abc.123' },
  );
  // The request id is the server's; the client's comes back as the correlation id (issue 13).
  expect(viewer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  expect(viewer.headers.get('x-correlation-id')).toBe('req-abc.123');
  expect((await viewer.json()).data.viewer).toEqual({ role: 'THERAPIST', displayName: 'THERAPIST' });
});

test("the audit log keeps the server's request id; a client's x-request-id is its correlation id", async () => {
  const response = await post(
    { query: `{ customer(id: "${org.assigned.id}") { healthProfile { notes } } }` },
    { authorization: `Bearer ${org.tokens.MANAGER}`, 'x-request-id': 'pos-receipt-7788' },
  );
  expect((await response.json()).errors).toBeUndefined();
  const rows = await testApp.orm.em
    .getConnection()
    .execute(`select request_id, correlation_id from audit_event where correlation_id = ?`, [
      'pos-receipt-7788',
    ]);
  expect(rows).toEqual([
    { request_id: response.headers.get('x-request-id'), correlation_id: 'pos-receipt-7788' },
  ]);
  expect(rows[0].request_id).not.toBe('pos-receipt-7788');
  const audit = await (
    await post(
      {
        query: `{ auditEvents(customerId: "${org.assigned.id}", first: 1) { edges { node { requestId correlationId } } } }`,
      },
      { authorization: `Bearer ${org.tokens.AUDITOR}` },
    )
  ).json();
  expect(audit.data.auditEvents.edges[0].node).toEqual({
    requestId: response.headers.get('x-request-id'),
    correlationId: 'pos-receipt-7788',
  });
});

test('a wrong password and an unknown email fail alike with UNAUTHENTICATED', async () => {
  for (const email of [org.users.OWNER.email, 'nobody@test.cn']) {
    const body = await (
      await post({ query: `mutation { login(email: "${email}", password: "wrong") { token } }` })
    ).json();
    expect(body.errors[0]).toMatchObject({
      message: 'Email or password is wrong.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
});

test('a forged or expired token is refused with 401 UNAUTHENTICATED', async () => {
  const forged = org.tokens.OWNER.slice(0, -4) + 'AAAA';
  const response = await post({ query: '{ viewer { role } }' }, { authorization: `Bearer ${forged}` });
  expect(response.status).toBe(401);
  expect((await response.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
});

test('an API key authenticates as INTEGRATION, sees no health data, and stops working when revoked', async () => {
  const created = await (
    await post(
      { query: `mutation { createApiKey(input: { name: "收银系统" }) { secret apiKey { id prefix } } }` },
      { authorization: `Bearer ${org.tokens.OWNER}` },
    )
  ).json();
  const { secret, apiKey } = created.data.createApiKey;
  expect(secret).toMatch(new RegExp(`^wk_${apiKey.prefix}_`));
  const stored = await testApp.orm.em
    .getConnection()
    .execute(`select secret_hash from api_key where id = ?`, [apiKey.id]);
  // The secret part may itself contain '_' (base64url): split('_')[2] was then a short fragment such
  // as "4", which a hex hash often contains (the flake of earlier sessions).
  const secretPart = secret.slice(`wk_${apiKey.prefix}_`.length);
  expect(secretPart).toHaveLength(43);
  expect(stored[0].secret_hash).not.toContain(secretPart);
  const lookup = await (
    await post(
      {
        query: `{ customers(filter: { search: "8001" }) { edges { node { name phone hasHealthAlerts healthProfile { allergies { substance } } } } } }`,
      },
      { authorization: `Bearer ${secret}` },
    )
  ).json();
  expect(lookup.data.customers.edges[0].node).toMatchObject({
    name: '张三',
    phone: '+8613800138001',
    hasHealthAlerts: null,
    healthProfile: null,
  });
  expect(lookup.errors.every((error: any) => error.extensions.code === 'FORBIDDEN')).toBe(true);
  const used = await testApp.orm.em
    .getConnection()
    .execute(`select last_used_at from api_key where id = ?`, [apiKey.id]);
  expect(used[0].last_used_at).not.toBeNull();
  await post(
    { query: `mutation { revokeApiKey(id: "${apiKey.id}") { revokedAt } }` },
    { authorization: `Bearer ${org.tokens.OWNER}` },
  );
  const revoked = await post({ query: '{ viewer { role } }' }, { authorization: `Bearer ${secret}` });
  expect(revoked.status).toBe(401);
});

test('query depth and aliases are limited', async () => {
  const aliases = Array.from({ length: 40 }, (_, index) => `a${index}: viewer { role }`).join(' ');
  const tooManyAliases = await (
    await post({ query: `{ ${aliases} }` }, { authorization: `Bearer ${org.tokens.OWNER}` })
  ).json();
  expect(tooManyAliases.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(tooManyAliases.errors[0].message).toMatch(/aliases/i);
  const deep = `{ customers { edges { node { referrer { referrer { referrer { referrer { referrer { referrer { referrer { referrer { name } } } } } } } } } } } }`;
  const tooDeep = await (await post({ query: deep }, { authorization: `Bearer ${org.tokens.OWNER}` })).json();
  expect(tooDeep.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(tooDeep.errors[0].message).toMatch(/depth/i);
});

test('parse errors and queries over the token limit are client errors: HTTP 400 GRAPHQL_PARSE_FAILED', async () => {
  const broken = await post({ query: '{ viewer { role ' }, { authorization: `Bearer ${org.tokens.OWNER}` });
  expect(broken.status).toBe(400);
  expect((await broken.json()).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  const long = `{ ${Array.from({ length: 700 }, () => 'viewer { role }').join(' ')} }`;
  const tooLong = await post({ query: long }, { authorization: `Bearer ${org.tokens.OWNER}` });
  expect(tooLong.status).toBe(400);
  const body = await tooLong.json();
  expect(body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  expect(body.errors[0].message).toMatch(/tokens/i);
});

test('a body over the size limit is refused', async () => {
  const response = await post(JSON.stringify({ query: `{ viewer { role } }`, padding: 'x'.repeat(200_000) }));
  expect(response.status).toBe(413);
});

test('a malformed id is BAD_USER_INPUT and the error says nothing about SQL or stack', async () => {
  const body = await (
    await post(
      { query: `{ customer(id: "not-a-uuid") { name } }` },
      { authorization: `Bearer ${org.tokens.OWNER}` },
    )
  ).json();
  expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  expect(JSON.stringify(body)).not.toMatch(/select |from "|stack|\.js:\d/i);
});

test('an API key with only customers:read cannot write; with customers:write it can, and finds by externalId', async () => {
  const createKey = async (scopes: string[]) =>
    (
      await (
        await post(
          {
            query: `mutation($scopes: [String!]) { createApiKey(input: { name: "POS", scopes: $scopes }) { secret } }`,
            variables: { scopes },
          },
          { authorization: `Bearer ${org.tokens.OWNER}` },
        )
      ).json()
    ).data.createApiKey.secret as string;
  const create = `mutation { createCustomer(input: { name: "门店新客", externalId: "POS-778" }) { code } }`;
  const readOnly = await (
    await post({ query: create }, { authorization: `Bearer ${await createKey(['customers:read'])}` })
  ).json();
  expect(readOnly.errors[0].extensions.code).toBe('FORBIDDEN');
  const writer = await createKey(['customers:read', 'customers:write']);
  const created = await (await post({ query: create }, { authorization: `Bearer ${writer}` })).json();
  expect(created.errors).toBeUndefined();
  const found = await (
    await post(
      { query: `{ customers(filter: { externalId: "POS-778" }) { edges { node { name externalId } } } }` },
      { authorization: `Bearer ${writer}` },
    )
  ).json();
  expect(found.data.customers.edges).toEqual([{ node: { name: '门店新客', externalId: 'POS-778' } }]);
});
