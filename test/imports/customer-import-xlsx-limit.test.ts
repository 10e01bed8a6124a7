import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import { ImportEncoding, ImportFormat } from '../../src/entities/imports/imports.enums';
import { MAX_IMPORT_BYTES } from '../../src/server/customer-import.router';
import { MAX_XLSX_BYTES, readRows } from '../../src/services/imports/import-source';
import { countRows, type OrganizationFixture } from '../support/fixtures';
import { type TestApp } from '../support/test-app';
import { startHttpTestApp, stopHttpTestApp } from '../support/http-test-app';
import { upload } from './import-support';

/**
 * An XLSX is read whole in memory (import-source.ts), so it has a limit of its own below the upload's:
 * 10 MiB of XLSX peaked near 1.2 GB, 20 MiB near 2 GB. A CSV streams and keeps the upload's 20 MiB.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  ({ testApp, org, server, baseUrl } = await startHttpTestApp());
}, 60_000);
afterAll(() => stopHttpTestApp(testApp, server));

const stored = async () => ({
  imports: await countRows(testApp.orm, 'select count(*) from customer_import where organization_id = ?', [
    org.organizationId,
  ]),
  chunks: await countRows(
    testApp.orm,
    'select count(*) from customer_import_chunk where organization_id = ?',
    [org.organizationId],
  ),
});

test('an XLSX over its limit is 413 naming that limit and leaves nothing; a CSV of the same size is taken', async () => {
  expect(MAX_XLSX_BYTES).toBeLessThan(MAX_IMPORT_BYTES);
  // The limit is on bytes, checked while they arrive: the file need not be a workbook to be refused.
  const bytes = Buffer.alloc(MAX_XLSX_BYTES + 1, 'a');
  const before = await stored();
  const refused = await upload(baseUrl, org.tokens.OWNER, bytes, '客户档案.xlsx');
  expect(refused.status).toBe(413);
  expect(refused.body.errors[0].extensions).toEqual({
    code: 'BAD_USER_INPUT',
    field: 'file',
    rule: 'maxSize',
    maxBytes: MAX_XLSX_BYTES,
  });
  expect(refused.body.errors[0].message).toMatch(/CSV/);
  expect(await stored()).toEqual(before);

  const csv = await upload(baseUrl, org.tokens.OWNER, bytes, '客户档案.csv');
  expect([csv.status, csv.body.sizeBytes]).toEqual([201, MAX_XLSX_BYTES + 1]);
}, 60_000);

test('an XLSX stored past the limit (uploaded before it existed) is refused when read, not loaded', async () => {
  const pieces = [Buffer.alloc(MAX_XLSX_BYTES, 'a'), Buffer.alloc(1, 'a')];
  const rows = readRows(Readable.from(pieces), ImportFormat.XLSX, ImportEncoding.UTF8);
  await expect(rows.next()).rejects.toMatchObject({
    code: 'BAD_USER_INPUT',
    details: { field: 'file', rule: 'maxSize', maxBytes: MAX_XLSX_BYTES },
  });
});
