import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'pg';
import { parseMasterKey } from '../src/core/crypto/envelope';
import { loadDataKeys, openPage, type DataKeys } from './floor-open';
import { CUSTOMER_360_SQL, LIST_PAGE_SQL } from './floor-sql';

/**
 * The raw-SQL floor of bench/pages.bench.ts, run as its own process so that its CPU time can be read
 * from /proc like the server's: a bare node:http server, one pg Pool as large as the server's, and one
 * prepared statement per page whose JSON text PostgreSQL returns is written to the response once its
 * sealed health values are opened (bench/floor-open.ts: the organization's data keys unwrapped at
 * start, AES-256-GCM per value, as the server does). No framework, no GraphQL, no ORM, no auth:
 * whatever the real server spends above this is overhead.
 *
 *   FLOOR_DATABASE_URL      the benchmark database
 *   FLOOR_ORGANIZATION_ID   the tenant every statement is scoped to (the server takes it from the token)
 *   FLOOR_PORT              port on 127.0.0.1
 *   FLOOR_POOL_SIZE         default 10, like src/server/database.ts openDatabase
 *   MASTER_KEY              the master key wrapping the data keys (the server's)
 */

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const organizationId = required('FLOOR_ORGANIZATION_ID');
// Its two statements are fixed: planned once per connection (the generic plan), not for every call.
// PostgreSQL's default kept re-planning the list statement (its custom plans fold away the null
// cursor, so the generic one never looked cheaper): 1 ms of its 3.5. The server gets the same from
// its opaque organization parameter (src/services/sql.ts ORGANIZATION_PARAMETER).
const pool = new Pool({
  connectionString: required('FLOOR_DATABASE_URL'),
  max: Number(process.env.FLOOR_POOL_SIZE ?? 10),
  options: '-c plan_cache_mode=force_generic_plan',
});
const masterKey = parseMasterKey(required('MASTER_KEY'), 'MASTER_KEY');
let keys: DataKeys = new Map();

/** The keyset cursor the API hands out: base64url JSON `[sortValue, id]` (src/core/paging/cursor.ts). */
function decodeCursor(cursor: string): [string, string] {
  const [sortValue, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
  return [sortValue, id];
}

async function page(url: URL): Promise<string | undefined> {
  const body = await sealedPage(url);
  return body === undefined ? undefined : openPage(keys, body);
}

async function sealedPage(url: URL): Promise<string | undefined> {
  if (url.pathname === '/list') {
    const after = url.searchParams.get('after');
    const [afterAt, afterId] = after ? decodeCursor(after) : [null, null];
    const result = await pool.query<{ body: string }>({
      name: 'list-page',
      text: LIST_PAGE_SQL,
      values: [organizationId, afterAt, afterId],
    });
    return result.rows[0].body;
  }
  if (url.pathname === '/customer360') {
    const result = await pool.query<{ body: string }>({
      name: 'customer-360',
      text: CUSTOMER_360_SQL,
      values: [organizationId, url.searchParams.get('id')],
    });
    return result.rows[0].body;
  }
  return undefined;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  // The load generator sends the GraphQL body to both targets; the floor reads and ignores it.
  for await (const _chunk of request);
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (request.method === 'GET' && url.pathname === '/readyz') {
    await pool.query('select 1');
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    return;
  }
  const body = request.method === 'POST' ? await page(url) : undefined;
  if (body === undefined) {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ errors: [{ message: error.message }] }));
  });
});
server.keepAliveTimeout = 65_000;
// Listening (so ready) once the keys are unwrapped: no request finds them missing.
void loadDataKeys(pool, organizationId, masterKey).then(
  (loaded) => {
    keys = loaded;
    server.listen(Number(required('FLOOR_PORT')), '127.0.0.1');
  },
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);

const stop = () => {
  server.close(() => void pool.end().finally(() => process.exit(0)));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
