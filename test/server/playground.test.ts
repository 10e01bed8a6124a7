import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, listen, type TestApp } from '../support/test-app';

// Debian's package; Playwright's own browser download would need internet, which CI and offline
// deployments (the reason the playground is self-hosted) do not have.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let testApp: TestApp | undefined;
let server: Server | undefined;
let browser: Browser | undefined;
let url: string;
let org: OrganizationFixture;

beforeAll(async () => {
  // A missing browser must fail loudly: a skipped test would hide that the playground is unverified.
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (Debian/Ubuntu).`,
    );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // The background/sync/component flags stop Chromium's own calls to Google hosts, which would
    // otherwise show up as non-local requests and make the offline check flaky.
    // --disable-dev-shm-usage: containers often give /dev/shm only 64 MB, which crashes the renderer.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  ({ url, server } = await listen(testApp.app));
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await testApp?.close();
});

/** Replaces a CodeMirror editor's text the way a paste would (typing would add auto-closed brackets). */
async function fillEditor(page: Page, editor: Locator, text: string) {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
}

test('GraphiQL loads from this server only and runs an authenticated query', async () => {
  // A fresh context has empty localStorage, so no headers or tabs persisted by another run leak in.
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const foreign: string[] = [];
  const pageErrors: string[] = [];
  // Context-level, so workers and popups are covered too, not just the main frame.
  context.on('request', (request) => {
    const { protocol, hostname } = new URL(request.url());
    if (protocol === 'data:' || protocol === 'blob:') return;
    if (hostname !== '127.0.0.1' && hostname !== 'localhost') foreign.push(request.url());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));

  try {
    // GraphiQL fetches the schema first; without it there is no autocompletion or docs.
    const introspection = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' && /__schema/.test(response.request().postData() ?? ''),
    );
    await page.goto(`${url}/graphql`);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    const schema = await (await introspection).json();
    expect(schema.data?.__schema?.queryType).toBeTruthy();

    await page.getByRole('button', { name: 'Headers', exact: true }).click();
    // Variables and Headers editors both stay in the DOM; the inactive one is only hidden.
    const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
    await fillEditor(page, headersEditor, JSON.stringify({ Authorization: `Bearer ${org.tokens.MANAGER}` }));
    const query = '{ viewer { role displayName } customers(first: 2) { totalCount } }';
    await fillEditor(page, page.locator('.graphiql-query-editor .CodeMirror'), query);
    // GraphiQL re-derives the operation name 100 ms after an edit, then saves the query. Running
    // sooner sends the default query's name "Me" with our unnamed query: OPERATION_RESOLUTION_FAILURE.
    await page.waitForFunction(
      (text) => (globalThis as any).sessionStorage['graphiql:query'] === text,
      query,
    );
    await page.locator('.graphiql-execute-button').click();

    // Wait for errors as well as data, so a failure shows the server's message instead of a timeout.
    const result = page.locator('.graphiql-response .result-window');
    await result.filter({ hasText: /"(data|errors)"/ }).waitFor();
    const text = await result
      .locator('.CodeMirror')
      .evaluate((element) => (element as any).CodeMirror.getValue());
    expect(JSON.parse(text)).toEqual({
      data: {
        viewer: { role: 'MANAGER', displayName: 'MANAGER' },
        customers: { totalCount: expect.any(Number) },
      },
    });

    // The bearer token gives access to health data: it must not outlive the tab. GraphiQL 3 keeps
    // headers in its tab state even with shouldPersistHeaders off, so the page gives it sessionStorage.
    const stored = await page.evaluate(() => JSON.stringify((globalThis as any).localStorage));
    expect(stored).not.toContain(org.tokens.MANAGER);

    expect(pageErrors).toEqual([]);
    expect(foreign).toEqual([]);
  } finally {
    // Left in the temp directory for whoever has to debug a failure on CI.
    await page.screenshot({ path: path.join(tmpdir(), 'playground.png') });
    await context.close();
  }
});
