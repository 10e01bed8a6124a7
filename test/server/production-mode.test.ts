import pino from 'pino';
import request from 'node:http';
import { startBanner } from '../../src/server/banner';
import { loadConfig } from '../../src/server/config';
import { createHttpApp } from '../../src/server/http';
import { createTestApp, listen, testConfig, type TestApp } from '../support/test-app';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp();
});
afterAll(() => testApp.close());

const production = {
  NODE_ENV: 'production',
  JWT_SECRET: 'x'.repeat(40),
  MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
  DATABASE_URL: 'postgres://db/x',
};

test('production has no playground unless PLAYGROUND=true; development has it', () => {
  expect(loadConfig(production).playground).toBe(false);
  expect(loadConfig({ ...production, PLAYGROUND: 'true' }).playground).toBe(true);
  expect(loadConfig({}).playground).toBe(true);
});

test('the production start banner names the API only: no demo token, no demo password', () => {
  const banner = startBanner(loadConfig(production), 4000);
  expect(banner).toContain('http://localhost:4000/graphql');
  expect(banner).not.toMatch(/npm run token|demo-password|Demo login|Playground/);
  const development = startBanner(loadConfig({}), 4000);
  expect(development).toMatch(/npm run token/);
  expect(development).toMatch(/Playground/);
});

async function getHtml(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request
      .get(`${url}/graphql`, { headers: { accept: 'text/html' } }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

test('a production server does not serve the playground page, a development one does', async () => {
  for (const [playground, served] of [
    [false, false],
    [true, true],
  ] as const) {
    const { app, apollo } = await createHttpApp(
      { ...testConfig, nodeEnv: 'production', playground },
      testApp.orm,
      testApp.tokens,
      pino({ level: 'silent' }),
    );
    const { url, server } = await listen(app);
    try {
      const page = await getHtml(url);
      expect(page.body.includes('/playground/playground.js')).toBe(served);
    } finally {
      server.close();
      await apollo.stop();
    }
  }
});
