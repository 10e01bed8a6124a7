import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';
import { COMPILED_READ_TAG } from '../../src/server/compiled-read/compile-entry';
import { DirectoryCache } from '../../src/services/read/directory-cache';

/**
 * A visit line's service and therapist in a compiled read are printed from the process's directory
 * cache (server/compiled-read/read-names.ts), not looked up per line in the statement. The names are
 * those of the database: a change by the API or by plain SQL (another instance) shows on the next
 * read once PostgreSQL has notified it, and a row the cache does not know yet is answered by graphql-js.
 */
let app: TestApp;
let org: OrganizationFixture;
let menu: CatalogueFixture;
const compiled: string[] = [];

const LINES = `query($id: ID!) { customer(id: $id) { visits(first: 5) { edges { node {
  lines { service { name code } therapist { displayName } } } } } } }`;

async function lines(query = LINES) {
  const result = await execute(app, org.tokens.MANAGER, query, { id: org.assigned.id });
  expect(result.errors).toBeUndefined();
  return (result.data as any).customer.visits.edges.flatMap((edge: any) => edge.node.lines);
}

/** Reads until `check` holds (a change reaches the cache by a notification, within milliseconds). */
async function eventually(check: (read: any[]) => boolean, query = LINES) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const read = await lines(query);
    if (check(read)) return read;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the change never showed');
}

beforeAll(async () => {
  app = await createTestApp(undefined, { config: { compiledReadRetry: 'every-time' } });
  app.orm.em
    .getConnection()
    .getKnex()
    .on('query', (query: { sql: string }) => {
      if (query.sql.startsWith(COMPILED_READ_TAG)) compiled.push(query.sql);
    });
  org = await createOrganization(app);
  menu = await createCatalogue(app, org);
  const recorded = await execute(
    app,
    org.tokens.MANAGER,
    `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`,
    {
      input: {
        customerId: org.assigned.id,
        storeId: org.storeId,
        visitedAt: new Date(Date.now() - 86_400_000).toISOString(),
        lines: [
          { serviceId: menu.massage.id, therapistId: org.users.THERAPIST.id },
          { serviceId: menu.haircut.id, therapistId: org.users.OTHER_THERAPIST.id },
        ],
      },
    },
  );
  expect(recorded.errors).toBeUndefined();
  await DirectoryCache.of(app.orm).ready;
});

afterAll(() => app.close());

test('the compiled statement names neither services nor users; the lines carry their names', async () => {
  compiled.length = 0;
  expect(await lines()).toEqual([
    {
      service: { name: menu.massage.name, code: menu.massage.code },
      therapist: { displayName: org.users.THERAPIST.displayName },
    },
    {
      service: { name: menu.haircut.name, code: menu.haircut.code },
      therapist: { displayName: org.users.OTHER_THERAPIST.displayName },
    },
  ]);
  expect(compiled).toHaveLength(1);
  expect(compiled[0]).not.toContain('"service_item"');
  expect(compiled[0]).not.toContain('"app_user"');
});

test('a field the cache does not hold joins the row in the statement, as before', async () => {
  compiled.length = 0;
  const read = await lines(`query($id: ID!) { customer(id: $id) { visits(first: 5) { edges { node {
    lines { service { name durationMinutes } } } } } } }`);
  expect(read[0].service).toEqual({ name: menu.massage.name, durationMinutes: menu.massage.durationMinutes });
  expect(compiled).toHaveLength(1);
  expect(compiled[0]).toContain('"service_item"');
});

test('a service renamed through the API shows on the next reads', async () => {
  await lines();
  const renamed = await execute(
    app,
    org.tokens.OWNER,
    `mutation($id: ID!, $version: Int!) { updateService(id: $id, expectedVersion: $version, input: { name: "深层肩颈推拿" }) { name } }`,
    { id: menu.massage.id, version: menu.massage.version },
  );
  expect(renamed.errors).toBeUndefined();
  await eventually((read) => read[0].service.name === '深层肩颈推拿');
});

test('a service and a staff member renamed by plain SQL (another instance) show once notified', async () => {
  await lines();
  await app.asOwner(`update service_item set name = '洗剪吹（新）' where id = $1`, [menu.haircut.id]);
  await app.asOwner(`update app_user set display_name = '王技师' where id = $1`, [org.users.THERAPIST.id]);
  const read = await eventually(
    (rows) => rows[1].service.name === '洗剪吹（新）' && rows[0].therapist?.displayName === '王技师',
  );
  expect(read[1].service.name).toBe('洗剪吹（新）');
});

test('a line naming a service the cache does not know yet is answered by graphql-js, correctly', async () => {
  await lines();
  // Made without its notification: the cache holds the menu as it was.
  await app.asOwner(`alter table service_item disable trigger service_item_directory_changed`);
  try {
    await app.asOwner(
      `insert into service_item (id, organization_id, code, name, category, duration_minutes, price, created_at, updated_at, version)
       select gen_random_uuid(), organization_id, 'NEW-1', '艾灸', '理疗', 45, 12800, now(), now(), 1
         from service_item where id = $1`,
      [menu.massage.id],
    );
  } finally {
    await app.asOwner(`alter table service_item enable trigger service_item_directory_changed`);
  }
  await app.asOwner(
    `update visit_line set service_id = (select id from service_item where code = 'NEW-1')
      where service_id = $1`,
    [menu.massage.id],
  );
  compiled.length = 0;
  const read = await lines();
  expect(read[0].service).toEqual({ name: '艾灸', code: 'NEW-1' });
  // The compiled statement ran; its answer went to graphql-js for the unknown row.
  expect(compiled).toHaveLength(1);
});
