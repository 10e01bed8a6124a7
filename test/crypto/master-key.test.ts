import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DecryptionError, masterKeyId, unwrapKey } from '../../src/core/crypto/envelope';
import { masterKeys } from '../../src/core/crypto/master-keys';
import { loadConfig } from '../../src/server/config';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import pino from 'pino';
import { createHttpApp } from '../../src/server/http';
import { createTestApp, execute, testConfig, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://db/app' };

test('production without MASTER_KEY refuses to start, naming the variable; a malformed one too', () => {
  expect(() => loadConfig(PRODUCTION)).toThrow(/MASTER_KEY is required when NODE_ENV=production/);
  expect(() => loadConfig({ ...PRODUCTION, MASTER_KEY: 'not-a-key' })).toThrow(
    /MASTER_KEY: must be base64 of exactly 32 bytes/,
  );
  const key = randomBytes(32).toString('base64');
  expect(loadConfig({ ...PRODUCTION, MASTER_KEY: key }).masterKey).toBe(key);
  expect(() => masterKeys({ nodeEnv: 'production', dataDir: '/nonexistent' })).toThrow(
    /MASTER_KEY is required when NODE_ENV=production/,
  );
});

test('in development the master key is generated once into DATA_DIR, readable by its owner only', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'master-key-'));
  const [first] = masterKeys({ nodeEnv: 'development', dataDir });
  expect(first).toHaveLength(32);
  expect(statSync(path.join(dataDir, 'master-key')).mode & 0o777).toBe(0o600);
  expect(masterKeys({ nodeEnv: 'development', dataDir })[0].equals(first)).toBe(true);
});

test('a wrong MASTER_KEY stops the start with a clear message and unwraps nothing', async () => {
  // The organization's data key exists once health data was written (the fixture's allergies).
  const wrong = randomBytes(32);
  await expect(
    createHttpApp(
      { ...testConfig, masterKey: wrong.toString('base64') },
      testApp.orm,
      testApp.tokens,
      pino({ level: 'silent' }),
    ),
  ).rejects.toThrow(/is not the master key the health data keys are wrapped by/);
  // Unwrapping under the wrong key fails authentication, it does not hand out garbage.
  const [row] = await testApp.orm.em
    .getConnection()
    .execute(`select id, wrapped_key, master_key_id from data_key where organization_id = ?`, [
      org.organizationId,
    ]);
  expect(row.master_key_id).not.toBe(masterKeyId(wrong));
  expect(() => unwrapKey(wrong, row.id, row.wrapped_key)).toThrow(DecryptionError);
  // The running app kept its keys: health data still reads.
  const read = await execute(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customer(id: $id) { healthProfile { allergies { substance } } } }`,
    { id: org.assigned.id },
  );
  expect(read.errors).toBeUndefined();
  expect(read.data!.customer.healthProfile.allergies.length).toBeGreaterThan(0);
});
