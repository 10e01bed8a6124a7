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

const ENCRYPTION = 'Migration20261203100000_health_encryption';
/** Partial indexes over the sealed columns (`not like`): in the way of the encryption's down, which retypes them. */
const PLAINTEXT_INDEXES = 'Migration20261205010000_plaintext_indexes';

/**
 * Runs `stage` in the schema the migration met, then applies the migration again. The health lists
 * are sealed json text since Migration20261203100000_health_encryption, so that one is undone first,
 * after the plaintext indexes on its columns (its down needs plaintext: the organization's health rows
 * are made plaintext, as before the encryption), and both are applied again after.
 */
async function rerunMigration(stage: () => Promise<void>) {
  await testApp.asOwner(
    `update health_profile set lifestyle = '{}', skin_profile = '{}', current_complaints = '[]',
       wellness_goals = '[]', notes = null, constitution = null, secondary_constitutions = '[]'
     where organization_id = $1`,
    [org.organizationId],
  );
  for (const table of ['allergy', 'medical_condition', 'special_condition'])
    await testApp.asOwner(`delete from ${table} where organization_id = $1`, [org.organizationId]);
  const owner = await MikroORM.init(createOrmConfig(testApp.url));
  try {
    await owner.migrator.down({ migrations: [PLAINTEXT_INDEXES] });
    await owner.migrator.down({ migrations: [ENCRYPTION] });
    await owner.migrator.down({ migrations: [MIGRATION] });
    await stage();
    const applied = await owner.migrator.up();
    expect(applied.map((migration) => migration.name)).toEqual([MIGRATION, ENCRYPTION, PLAINTEXT_INDEXES]);
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
  await rerunMigration(async () => {
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
  });

  const [row] = await testApp.orm.em
    .getConnection()
    .execute(`select current_complaints, wellness_goals, version from health_profile where customer_id = ?`, [
      org.assigned.id,
    ]);
  // The lists as the encryption migration left them: plaintext json text until keys:rotate-data seals them.
  expect(row).toEqual({ current_complaints: '["失眠"]', wellness_goals: '[]', version: version.version + 1 });
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
