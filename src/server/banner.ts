import type { AppConfig } from './config';

/** What `npm start` prints: where the API is and, outside production only, how to try it. */
export function startBanner(config: AppConfig, port: number): string {
  const lines = ['', `  GraphQL API     http://localhost:${port}/graphql`];
  if (config.playground) lines.push(`  Playground      open http://localhost:${port}/graphql in a browser`);
  if (config.nodeEnv !== 'production') {
    lines.push(
      `  Demo token      npm run token -- --role MANAGER   (roles: OWNER MANAGER CONSULTANT THERAPIST FRONT_DESK MARKETING AUDITOR)`,
      `  Demo login      manager@demo.yuexin.cn / demo-password-2026`,
    );
  }
  return [...lines, ''].join('\n') + '\n';
}
