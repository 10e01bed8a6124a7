import type { AppConfig } from '../../src/server/config';
import { createTestApp, listen, type TestApp } from './test-app';

/** Two service instances on one database, each listening over HTTP: state shared through PostgreSQL. */
export interface TwoInstances {
  first: TestApp;
  second: TestApp;
  url: string;
  secondUrl: string;
  close(): Promise<void>;
}

export async function twoInstances(config: Partial<AppConfig>): Promise<TwoInstances> {
  const first = await createTestApp(undefined, { config });
  const second = await createTestApp(undefined, { config, databaseUrl: first.url });
  const [one, two] = [await listen(first.app), await listen(second.app)];
  return {
    first,
    second,
    url: one.url,
    secondUrl: two.url,
    async close() {
      await Promise.all(
        [one.server, two.server].map((server) => new Promise((resolve) => server.close(resolve))),
      );
      await second.close();
      await first.close();
    },
  };
}
