import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every transaction of a service goes through services/transaction.ts `inTransaction`, which runs it
 * again when PostgreSQL aborts it as a deadlock victim or for a serialization failure (40P01, 40001):
 * a direct `em.transactional` answered those as INTERNAL_SERVER_ERROR (issue 13).
 */
test('no service opens a transaction without the retrying helper', () => {
  const folder = path.join(__dirname, '..', '..', 'src', 'services');
  const direct = readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && file !== 'transaction.ts')
    .filter((file) => /\.transactional\(/.test(readFileSync(path.join(folder, file), 'utf8')));
  expect(direct).toEqual([]);
});
