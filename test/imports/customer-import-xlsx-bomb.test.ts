import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import JSZip from 'jszip';
import { ImportEncoding, ImportFormat } from '../../src/entities/imports/imports.enums';
import { INLINE_IMPORT_BYTES } from '../../src/services/imports/customer-import.service';
import { readRows } from '../../src/services/imports/import-source';
import { MAX_XLSX_INFLATED_BYTES } from '../../src/services/imports/import-xlsx-bound';
import { countRows, type OrganizationFixture } from '../support/fixtures';
import { execute, type TestApp } from '../support/test-app';
import { startHttpTestApp, stopHttpTestApp } from '../support/http-test-app';
import { messyXlsx, startImport, upload } from './import-support';

/**
 * A zip bomb: MAX_XLSX_BYTES bounds an XLSX's compressed bytes, while exceljs builds what they inflate
 * to in memory. The bombs here inflate to 1.5 times MAX_XLSX_INFLATED_BYTES from about 300 KiB: little
 * enough that the reader without its bound loads them (one cell of repeated text, ~0.7 GB), so the
 * assertions fail rather than the test worker.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  ({ testApp, org, server, baseUrl } = await startHttpTestApp());
}, 60_000);
afterAll(() => stopHttpTestApp(testApp, server));

const BOMB_TEXT_BYTES = Math.round(MAX_XLSX_INFLATED_BYTES * 1.5);
const SHEET = 'xl/worksheets/sheet1.xml';
let bomb: Buffer;
beforeAll(async () => {
  // Built once: deflating 1.5 times the bound takes seconds.
  bomb = await bombXlsx(BOMB_TEXT_BYTES);
}, 60_000);

/** A valid one-sheet workbook: a header row and one customer whose note is `noteBytes` of 'a'. */
async function bombXlsx(noteBytes: number): Promise<Buffer> {
  const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/${SHEET}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>`,
  );
  zip.file(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>`,
  );
  zip.file(
    'xl/workbook.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="客户档案" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
  zip.file(
    'xl/_rels/workbook.xml.rels',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>`,
  );
  zip.file(
    SHEET,
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1">${inline('A1', '姓名')}${inline('B1', '手机')}${inline('C1', '备注')}</row>
<row r="2">${inline('A2', '王芳')}${inline('B2', '13800138100')}${inline('C2', 'a'.repeat(noteBytes))}</row>
</sheetData></worksheet>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/**
 * The same zip, its sheet's size as declared in the local header and the central directory set to
 * `declared`: what a reader trusting those fields would count.
 */
function declaringSheetSize(zipBytes: Buffer, declared: number): Buffer {
  const lying = Buffer.from(zipBytes);
  const name = Buffer.from(SHEET);
  let patched = 0;
  for (let at = 0; at < lying.length - 46; at++) {
    const signature = lying.readUInt32LE(at);
    // Local file header: name length at 26, name at 30, uncompressed size at 22.
    if (signature === 0x04034b50 && lying.subarray(at + 30, at + 30 + name.length).equals(name)) {
      lying.writeUInt32LE(declared, at + 22);
      patched++;
    }
    // Central directory header: name at 46, uncompressed size at 24.
    if (signature === 0x02014b50 && lying.subarray(at + 46, at + 46 + name.length).equals(name)) {
      lying.writeUInt32LE(declared, at + 24);
      patched++;
    }
  }
  expect(patched).toBe(2);
  return lying;
}

async function rowsOf(bytes: Buffer): Promise<unknown[]> {
  const rows: unknown[] = [];
  for await (const row of readRows(Readable.from([bytes]), ImportFormat.XLSX, ImportEncoding.UTF8))
    rows.push(row);
  return rows;
}

const INFLATES_TOO_MUCH = new RegExp(
  `inflates to more than ${MAX_XLSX_INFLATED_BYTES / (1024 * 1024)} MiB: save it as CSV or split it`,
);

test('an XLSX whose sheet inflates past the bound is BAD_USER_INPUT file before exceljs loads it', async () => {
  expect(bomb.length).toBeLessThan(INLINE_IMPORT_BYTES);
  await expect(rowsOf(bomb)).rejects.toMatchObject({
    code: 'BAD_USER_INPUT',
    details: { field: 'file', rule: 'file' },
    message: expect.stringMatching(INFLATES_TOO_MUCH),
  });
  // The same workbook within the bound is read as any other.
  const small = await rowsOf(await bombXlsx(1_000));
  expect(small).toEqual([
    { rowNumber: 1, cells: ['姓名', '手机', '备注'] },
    { rowNumber: 2, cells: ['王芳', '13800138100', 'a'.repeat(1_000)] },
  ]);
}, 60_000);

test('the inflated bytes are counted, not the sizes the zip declares', async () => {
  // Declared 1 KiB, inflating to 1.5 times the bound: a count of declared sizes would let it through
  // (exceljs then fails on the size mismatch only after inflating it all).
  const lying = declaringSheetSize(bomb, 1024);
  await expect(rowsOf(lying)).rejects.toMatchObject({
    code: 'BAD_USER_INPUT',
    details: { field: 'file', rule: 'file' },
    message: expect.stringMatching(INFLATES_TOO_MUCH),
  });
}, 60_000);

test('an uploaded zip bomb: the run is refused as FAILED, nothing is imported, the next import works', async () => {
  const customers = () =>
    countRows(testApp.orm, 'select count(*) from customer where organization_id = ?', [org.organizationId]);
  const before = await customers();
  const uploaded = await upload(baseUrl, org.tokens.MANAGER, bomb, 'bomb.xlsx');
  expect(uploaded.status).toBe(201);
  const importId: string = uploaded.body.importId;

  const refused = await startImport(testApp, org.tokens.MANAGER, { importId, dryRun: true });
  expect(refused.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'file', rule: 'file' });
  expect(refused.errors?.[0].message).toMatch(INFLATES_TOO_MUCH);
  const state = await execute(
    testApp,
    org.tokens.MANAGER,
    `query($id: ID!) { customerImport(id: $id) { status error totalRows } }`,
    { id: importId },
  );
  expect(state.data!.customerImport).toMatchObject({ status: 'FAILED', totalRows: null });
  expect(state.data!.customerImport.error).toMatch(INFLATES_TOO_MUCH);
  expect(
    await countRows(testApp.orm, 'select count(*) from customer_import_row where customer_import_id = ?', [
      importId,
    ]),
  ).toBe(0);
  expect(await customers()).toBe(before);

  // The process is fine: an ordinary XLSX is read right after.
  const next = await upload(baseUrl, org.tokens.MANAGER, await messyXlsx(), 'messy.xlsx');
  const dry = await startImport(testApp, org.tokens.MANAGER, { importId: next.body.importId, dryRun: true });
  expect(dry.errors).toBeUndefined();
  expect(dry.data!.startCustomerImport.status).toBe('DRY_RUN_DONE');
}, 120_000);
