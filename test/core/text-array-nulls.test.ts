import { MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig } from '../../src/mikro-orm.config';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

const MIGRATION = 'Migration20261201150000_text_array_nulls';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

/** Applies the migration again to rows staged after the test database was migrated. */
async function rerunMigration() {
  const owner = await MikroORM.init(createOrmConfig(testApp.url));
  try {
    await owner.migrator.down({ migrations: [MIGRATION] });
    const applied = await owner.migrator.up();
    expect(applied.map((migration) => migration.name)).toEqual([MIGRATION]);
  } finally {
    await owner.close(true);
  }
}

test('NULL elements an older version stored in free-text lists are dropped, and the API reads them again', async () => {
  const tag = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createContraindicationTag(input: { name: "高血压慎用", severity: CAUTION, keywords: ["高血压"] }) { id } }`,
  );
  expect(tag.errors).toBeUndefined();
  const key = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation { createApiKey(input: { name: "收银系统", scopes: ["customers:read"] }) { apiKey { id } } }`,
  );
  expect(key.errors).toBeUndefined();
  const [version] = await testApp.orm.em
    .getConnection()
    .execute<{ version: number }[]>(`select version from health_profile where customer_id = ?`, [
      org.assigned.id,
    ]);
  // What MikroORM 6.6's own marshalling made of an element "null" before TextArrayType.
  await testApp.asOwner(
    `update health_profile set current_complaints = array['失眠', null], wellness_goals = array[null::text]
      where customer_id = $1`,
    [org.assigned.id],
  );
  await testApp.asOwner(`update contraindication_tag set keywords = array[null, '高血压'] where id = $1`, [
    tag.data!.createContraindicationTag.id,
  ]);
  await testApp.asOwner(`update api_key set scopes = array_append(scopes, null) where id = $1`, [
    key.data!.createApiKey.apiKey.id,
  ]);

  await rerunMigration();

  const [row] = await testApp.orm.em
    .getConnection()
    .execute(`select current_complaints, wellness_goals, version from health_profile where customer_id = ?`, [
      org.assigned.id,
    ]);
  expect(row).toEqual({ current_complaints: ['失眠'], wellness_goals: [], version: version.version + 1 });
  const profile = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customer(id: $id) { healthProfile { currentComplaints wellnessGoals } } }`,
    { id: org.assigned.id },
  );
  expect(profile.errors).toBeUndefined();
  expect(profile.data!.customer.healthProfile).toEqual({ currentComplaints: ['失眠'], wellnessGoals: [] });
  const tags = await execute(testApp, org.tokens.OWNER, `{ contraindicationTags { name keywords } }`);
  expect(tags.errors).toBeUndefined();
  expect(tags.data!.contraindicationTags).toContainEqual({ name: '高血压慎用', keywords: ['高血压'] });
  const keys = await execute(testApp, org.tokens.OWNER, `{ apiKeys { id scopes } }`);
  expect(keys.errors).toBeUndefined();
  expect(keys.data!.apiKeys).toContainEqual({
    id: key.data!.createApiKey.apiKey.id,
    scopes: ['customers:read'],
  });
});
