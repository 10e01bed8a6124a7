import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import globalSetup from '../support/global-setup';
import globalTeardown from '../support/global-teardown';

const leftovers = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('wellness-test-')));

test('a test run on a given server leaves nothing in the temporary directory', async () => {
  // Each run wrote a wellness-test-server-<ppid>-<pid>.json that nothing read and nothing removed.
  const outer = { url: process.env.TEST_DATABASE_URL, server: process.env.WELLNESS_TEST_SERVER_URL };
  const before = leftovers();
  try {
    process.env.TEST_DATABASE_URL = outer.server;
    await globalSetup();
    expect(process.env.WELLNESS_TEST_SERVER_URL).toBe(outer.server);
    await globalTeardown();
    expect([...leftovers()].filter((name) => !before.has(name))).toEqual([]);
  } finally {
    if (outer.url === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = outer.url;
    process.env.WELLNESS_TEST_SERVER_URL = outer.server;
  }
});
