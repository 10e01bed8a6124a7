import type { Server } from 'node:http';
import { createOrganization, type OrganizationFixture } from './fixtures';
import { createTestApp, listen, type TestApp } from './test-app';

/** A test app with one organization, listening on a free port: the HTTP suites' usual setup. */
export async function startHttpTestApp(): Promise<{
  testApp: TestApp;
  org: OrganizationFixture;
  server: Server;
  baseUrl: string;
}> {
  const testApp = await createTestApp();
  const org = await createOrganization(testApp);
  const { server, url } = await listen(testApp.app);
  return { testApp, org, server, baseUrl: url };
}

/** Closes what startHttpTestApp started. */
export async function stopHttpTestApp(testApp: TestApp, server: Server): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
  await testApp.close();
}
