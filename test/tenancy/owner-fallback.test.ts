import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openDatabase } from '../../src/server/database';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * Where the logins cannot be made (the owner may not create roles, or its password is nowhere this
 * process can derive theirs from: a .pgpass file, a token), the pools would log in as the tables'
 * owner, whose `maintenance` policy sees every organization's rows: row-level security would bind
 * nothing (found by a review). A production service refuses to start so unless ALLOW_OWNER_POOLS
 * says to; development and the command-line tools warn and run.
 */
let testApp: TestApp;
const directory = mkdtempSync(path.join(tmpdir(), 'wellness-owner-fallback-'));

beforeAll(async () => {
  testApp = await createTestApp();
});
afterAll(async () => {
  await testApp.close();
  rmSync(directory, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.PGPASSFILE;
  delete process.env.PGPASSWORD;
});

/** The owner's URL without its password, which then comes from a .pgpass file, as libpq would take it. */
function urlWithPasswordFile(): string {
  const url = new URL(testApp.url);
  const file = path.join(directory, 'pgpass');
  writeFileSync(file, `*:*:*:${url.username}:${decodeURIComponent(url.password)}\n`, { mode: 0o600 });
  process.env.PGPASSFILE = file;
  url.password = '';
  return url.toString();
}

function capturingLogger(): { logger: pino.Logger; text: () => string } {
  const lines: string[] = [];
  return {
    logger: pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }),
    text: () => lines.join(''),
  };
}

async function sessionUser(database: Awaited<ReturnType<typeof openDatabase>>): Promise<string> {
  const [{ login }] = await database.orm.em
    .getConnection()
    .execute<{ login: string }[]>('select session_user as login');
  return login;
}

test('production refuses to start when the pools would log in as the owner', async () => {
  const databaseUrl = urlWithPasswordFile();
  await expect(
    openDatabase({ ...testConfig, nodeEnv: 'production', databaseUrl }, pino({ level: 'silent' })),
  ).rejects.toThrow(
    /^Refusing to start in production: logins wellness_app\/wellness_worker not made .*row-level security does not bind/,
  );
});

test('ALLOW_OWNER_POOLS, development and the tools run as the owner, with a warning', async () => {
  const databaseUrl = urlWithPasswordFile();
  const owner = new URL(testApp.url).username;
  for (const [config, options] of [
    [{ ...testConfig, nodeEnv: 'production', allowOwnerPools: true, databaseUrl }, {}],
    [{ ...testConfig, nodeEnv: 'development', databaseUrl }, {}],
    [{ ...testConfig, nodeEnv: 'production', databaseUrl }, { purpose: 'tool' }],
  ] as const) {
    const { logger, text } = capturingLogger();
    const database = await openDatabase(config, logger, options);
    try {
      expect(await sessionUser(database)).toBe(owner);
    } finally {
      await database.close();
    }
    expect(text()).toContain('requests run as the table owner, past row-level security');
  }
});

test('a URL without its password takes PGPASSWORD, as libpq does, and the logins are made', async () => {
  const url = new URL(testApp.url);
  process.env.PGPASSWORD = decodeURIComponent(url.password);
  url.password = '';
  const { logger, text } = capturingLogger();
  const database = await openDatabase(
    { ...testConfig, nodeEnv: 'production', databaseUrl: url.toString() },
    logger,
  );
  try {
    expect(await sessionUser(database)).toBe('wellness_app');
  } finally {
    await database.close();
  }
  expect(text()).not.toContain('table owner');
});
