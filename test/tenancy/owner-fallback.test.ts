import pino from 'pino';
import { openDatabase } from '../../src/server/database';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * Where the logins cannot be made (the owner may not create roles, or DATABASE_URL has no password:
 * .pgpass, PGPASSWORD), the pools would log in as the tables' owner, whose `maintenance` policy sees
 * every organization's rows: row-level security would bind nothing (found by a review). Production
 * refuses to start so; development warns and runs.
 */
let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
});
afterAll(() => testApp.close());

/** The owner's URL without its password, which then comes from PGPASSWORD as libpq would take it. */
function passwordlessUrl(): string {
  const url = new URL(testApp.url);
  process.env.PGPASSWORD = decodeURIComponent(url.password);
  url.password = '';
  return url.toString();
}
afterEach(() => {
  delete process.env.PGPASSWORD;
});

test('production refuses to start when the pools would log in as the owner', async () => {
  const databaseUrl = passwordlessUrl();
  await expect(
    openDatabase({ ...testConfig, nodeEnv: 'production', databaseUrl }, pino({ level: 'silent' })),
  ).rejects.toThrow(
    /^Refusing to start in production: logins wellness_app\/wellness_worker not made .*row-level security does not bind/,
  );
});

test('development runs as the owner, with a warning', async () => {
  const databaseUrl = passwordlessUrl();
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
  const database = await openDatabase({ ...testConfig, nodeEnv: 'development', databaseUrl }, logger);
  try {
    const [{ login }] = await database.orm.em
      .getConnection()
      .execute<{ login: string }[]>('select session_user as login');
    expect(login).toBe(new URL(testApp.url).username);
  } finally {
    await database.close();
  }
  expect(lines.join('')).toContain('requests run as the table owner (development only; production refuses)');
});
