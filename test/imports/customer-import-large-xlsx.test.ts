import type { Server } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { ImportEncoding, ImportFormat } from '../../src/entities/imports/imports.enums';
import { runQueuedImports } from '../../src/jobs/customer-import.job';
import { INLINE_IMPORT_BYTES } from '../../src/services/imports/customer-import.service';
import { BATCH_ROWS } from '../../src/services/imports/import-scan';
import { readRows } from '../../src/services/imports/import-source';
import { countRows, type OrganizationFixture } from '../support/fixtures';
import { execute, type TestApp } from '../support/test-app';
import { startHttpTestApp, stopHttpTestApp } from '../support/http-test-app';
import { startImport, upload } from './import-support';

let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  ({ testApp, org, server, baseUrl } = await startHttpTestApp());
}, 60_000);
afterAll(() => stopHttpTestApp(testApp, server));

const HEADER = ['姓名', '性别', '手机', '生日', '来源', '标签', '会员卡号', '储值余额', '积分', '备注'];
const SOURCES = ['朋友推荐', '大众点评', '美团', '小红书', '路过'];
const NOTE = '纸质档案录入，偏好安静的包间';

/** Row `index` of bench/import.bench.ts's archive: Chinese text in most cells, distinct phones. */
function archiveRow(index: number): string[] {
  return [
    `客户137${index}`,
    index % 3 ? '女' : '男',
    `137${String(index).padStart(8, '0')}`,
    `19${50 + (index % 50)}-0${1 + (index % 9)}-1${index % 10}`,
    SOURCES[index % SOURCES.length],
    index % 2 ? '老客户' : '',
    `K137${index}`,
    index % 4 ? `${(index % 7) * 100}.50` : '',
    String(index % 500),
    NOTE,
  ];
}

/** The archive as exceljs's streaming writer saves it (inline strings, no shared strings). */
async function streamedXlsx(rows: number): Promise<Buffer> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false });
  const sheet = workbook.addWorksheet('客户档案');
  sheet.addRow(HEADER).commit();
  for (let index = 1; index <= rows; index++) sheet.addRow(archiveRow(index)).commit();
  sheet.commit();
  await workbook.commit();
  return Buffer.concat(chunks);
}

const STATE = `query($id: ID!) { customerImport(id: $id) { status totalRows processedRows error
  summary { totalRows ok errors duplicates healthSkipped created points storedValue { minorUnits } } } }`;

/** Runs the queued run with the `customer-import` job's own function and reads the import back. */
async function runJob(importId: string): Promise<Record<string, any>> {
  await runQueuedImports(testApp.orm, pino({ level: 'silent' }));
  return (await execute(testApp, org.tokens.OWNER, STATE, { id: importId })).data!.customerImport;
}

test('a queued 10,000-row XLSX: the dry run reads every row as written, the real run writes what it promised', async () => {
  // exceljs inflates a sheet in 16 KiB pieces; in this file eight Chinese characters straddle two
  // (rows 699 … 8974), which exceljs's streaming reader (the import's before it read XLSX in memory)
  // turned into U+FFFD: row 6806's 性别 became an ERROR.
  const rows = 10_000;
  const file = await streamedXlsx(rows);
  expect(file.length).toBeGreaterThan(INLINE_IMPORT_BYTES);
  expect(rows).toBeGreaterThan(BATCH_ROWS * 2);
  const uploaded = await upload(baseUrl, org.tokens.OWNER, file, 'archive.xlsx');
  expect(uploaded.status).toBe(201);
  const importId: string = uploaded.body.importId;
  const customers = () =>
    countRows(testApp.orm, 'select count(*) from customer where organization_id = ?', [org.organizationId]);
  const customersBefore = await customers();

  const queued = await startImport(testApp, org.tokens.OWNER, { importId, dryRun: true });
  expect(queued.data!.startCustomerImport.status).toBe('QUEUED');
  const dry = await runJob(importId);
  expect(dry).toMatchObject({ status: 'DRY_RUN_DONE', totalRows: rows, processedRows: rows, error: null });
  expect(dry.summary).toMatchObject({ totalRows: rows, ok: rows, errors: 0, duplicates: 0, created: rows });

  const started = await startImport(testApp, org.tokens.OWNER, { importId, dryRun: false });
  expect(started.data!.startCustomerImport.status).toBe('QUEUED');
  const real = await runJob(importId);
  expect(real).toMatchObject({ status: 'IMPORTED', processedRows: rows, error: null, summary: dry.summary });

  // What was written, counted in SQL against the dry run's report and the file's own cells.
  expect(await customers()).toBe(customersBefore + dry.summary.created);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from customer_import_row where customer_import_id = ? and outcome = 'OK' and customer_id is not null`,
      [importId],
    ),
  ).toBe(dry.summary.created);
  const imported = `select count(*) from customer c join customer_import_row r on r.customer_id = c.id
    where r.customer_import_id = ? and `;
  expect(await countRows(testApp.orm, `${imported} c.notes = ?`, [importId, NOTE])).toBe(rows);
  expect(
    await countRows(testApp.orm, `${imported} c.name = '客户137' || (r.row_number - 1)`, [importId]),
  ).toBe(rows);
  expect(
    await countRows(
      testApp.orm,
      `${imported} (c.name || c.notes || coalesce(c.source_note, '')) like '%' || chr(65533) || '%'`,
      [importId],
    ),
  ).toBe(0);
  expect(
    await countRows(testApp.orm, `select count(*) from tag where organization_id = ? and name <> '老客户'`, [
      org.organizationId,
    ]),
  ).toBe(0);
  const indexes = Array.from({ length: rows }, (_, index) => index + 1);
  const opening = (kind: string) =>
    countRows(
      testApp.orm,
      `select count(*) from ledger_entry e join account a on a.id = e.account_id
       where e.organization_id = ? and e.operation_id = ? and e.kind = 'OPENING_BALANCE' and a.kind = ?`,
      [org.organizationId, importId, kind],
    );
  expect(await opening('STORED_VALUE')).toBe(indexes.filter((index) => index % 4).length);
  expect(await opening('POINTS')).toBe(indexes.filter((index) => index % 500).length);
  const [sums] = await testApp.orm.em.getConnection().execute<{ principal: string; points: string }[]>(
    `select sum(e.principal_delta) as principal, sum(e.units_delta) filter (where a.kind = 'POINTS') as points
     from ledger_entry e join account a on a.id = e.account_id where e.organization_id = ? and e.operation_id = ?`,
    [org.organizationId, importId],
  );
  expect({ storedValue: Number(sums.principal), points: Number(sums.points) }).toEqual({
    storedValue: dry.summary.storedValue.minorUnits,
    points: dry.summary.points,
  });
}, 300_000);

test('an XLSX with shared strings (what Excel saves) is read as written, Chinese text whole', async () => {
  const rows = 3_000;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('客户档案');
  sheet.addRow(['姓名', '备注']);
  for (let index = 1; index <= rows; index++) sheet.addRow([`客户共享${index}`, `${NOTE}${index}`]);
  const bytes = Buffer.from(await workbook.xlsx.writeBuffer());

  const read: string[][] = [];
  for await (const row of readRows(Readable.from([bytes]), ImportFormat.XLSX, ImportEncoding.UTF8))
    if (row.rowNumber > 1) read.push(row.cells.map(String));
  expect(read).toHaveLength(rows);
  expect(
    read.filter(([name, note], index) => name !== `客户共享${index + 1}` || note !== `${NOTE}${index + 1}`),
  ).toEqual([]);
});
