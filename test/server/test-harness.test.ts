import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import globalSetup from '../support/global-setup';
import globalTeardown from '../support/global-teardown';

/** wellness-test-* entries of the temporary directory written since `since` (ms). */
const writtenSince = (since: number) =>
  readdirSync(tmpdir()).filter(
    (name) => name.startsWith('wellness-test-') && statSync(path.join(tmpdir(), name)).mtimeMs >= since,
  );

test('a test run on a given server leaves nothing in the temporary directory', async () => {
  // Each run wrote a wellness-test-server-<ppid>-<pid>.json that nothing read and nothing removed.
  const outer = { url: process.env.TEST_DATABASE_URL, server: process.env.WELLNESS_TEST_SERVER_URL };
  // File times come from a coarse clock, a few ms behind Date.now().
  const started = Date.now() - 20;
  try {
    process.env.TEST_DATABASE_URL = outer.server;
    await globalSetup();
    expect(process.env.WELLNESS_TEST_SERVER_URL).toBe(outer.server);
    await globalTeardown();
    expect(writtenSince(started)).toEqual([]);
  } finally {
    if (outer.url === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = outer.url;
    process.env.WELLNESS_TEST_SERVER_URL = outer.server;
  }
});
