import fs, { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { countRows, type OrganizationFixture } from '../support/fixtures';
import { type TestApp } from '../support/test-app';
import { startHttpTestApp, stopHttpTestApp } from '../support/http-test-app';
import { CONSENT, startImport, upload } from './import-support';

/**
 * exceljs's streaming reader, which the import used, wrote a sheet to a temp file in os.tmpdir() when
 * the sheet comes before the shared strings in the zip (as Excel and exceljs's document writer save)
 * or the workbook has none (inline strings, what exceljs's streaming writer makes): the customers'
 * data, health columns included, in plaintext on disk. The import reads the workbook in memory.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;
let tmpDir: string;

beforeAll(async () => {
  ({ testApp, org, server, baseUrl } = await startHttpTestApp());
}, 60_000);
afterAll(() => stopHttpTestApp(testApp, server));
beforeEach(() => {
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'import-tmpdir-'));
});
afterEach(() => {
  rmSync(tmpDir, { recursive: true, force: true });
});

/** A workbook as exceljs's streaming writer saves it: inline strings, the sheet before the relations. */
async function inlineStringsXlsx(rows: (string | number)[][]): Promise<Buffer> {
  const out = new PassThrough();
  const pieces: Buffer[] = [];
  out.on('data', (piece: Buffer) => pieces.push(piece));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false });
  const sheet = workbook.addWorksheet('客户档案');
  for (const row of rows) sheet.addRow(row).commit();
  sheet.commit();
  await workbook.commit();
  return Buffer.concat(pieces);
}

/** A workbook as Excel saves it: shared strings, written after the sheet in the zip. */
async function sharedStringsXlsx(rows: (string | number)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('客户档案');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

test.each([
  ['inline strings', inlineStringsXlsx, '13911117777'],
  ['shared strings after the sheet', sharedStringsXlsx, '13911117778'],
])('reading an xlsx with %s writes no file to the temp directory', async (_kind, xlsx, phone) => {
  const bytes = await xlsx([
    ['姓名', '手机号码', '过敏史'],
    ['临时文件', phone, '临时过敏原己'],
  ]);
  const uploaded = await upload(baseUrl, org.tokens.OWNER, bytes, 'archive.xlsx');
  expect(uploaded.status).toBe(201);
  const importId = uploaded.body.importId as string;

  // Every file opened for writing in TMPDIR while the import reads the workbook (exceljs removes its
  // own temp file once read, so the directory alone would be empty again afterwards).
  const created: string[] = [];
  const createWriteStream = fs.createWriteStream.bind(fs);
  const spy = jest.spyOn(fs, 'createWriteStream').mockImplementation((file, options) => {
    if (String(file).startsWith(tmpDir)) created.push(String(file));
    return createWriteStream(file, options);
  });
  // What TMPDIR says, for this process only (jest's process.env is not the one os.tmpdir() reads).
  const tmpdirSpy = jest.spyOn(os, 'tmpdir').mockReturnValue(tmpDir);
  try {
    const dry = await startImport(testApp, org.tokens.OWNER, {
      importId,
      dryRun: true,
      healthConsent: CONSENT,
    });
    expect(dry.errors).toBeUndefined();
    expect(dry.data!.startCustomerImport.totalRows).toBe(1);
    const real = await startImport(testApp, org.tokens.OWNER, {
      importId,
      dryRun: false,
      healthConsent: CONSENT,
    });
    expect(real.errors).toBeUndefined();
    expect(real.data!.startCustomerImport.summary).toMatchObject({ ok: 1, created: 1, healthRecords: 1 });
  } finally {
    spy.mockRestore();
    tmpdirSpy.mockRestore();
  }
  expect({ created, left: readdirSync(tmpDir) }).toEqual({ created: [], left: [] });
  expect(
    await countRows(testApp.orm, 'select count(*) from customer where organization_id = ? and phone = ?', [
      org.organizationId,
      `+86${phone}`,
    ]),
  ).toBe(1);
});
