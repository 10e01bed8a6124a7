import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { execute, type TestApp } from '../support/test-app';

/** The readable source of the messy sample: UTF-8 CSV, Chinese headers (test/imports/fixtures/). */
export const MESSY_CSV = readFileSync(path.join(__dirname, 'fixtures', 'messy-customers.csv'), 'utf8');

/** The sample as Chinese Excel saves a CSV: GBK bytes, no BOM. */
export function messyGbkCsv(): Buffer {
  return iconv.encode(MESSY_CSV, 'gbk');
}

/**
 * The sample as an XLSX: same rows at the same row numbers (the blank line stays a blank row),
 * birthdays as date cells where they parse as ISO dates, phone numbers of 11 digits as numbers.
 */
export async function messyXlsx(): Promise<Buffer> {
  const lines = MESSY_CSV.split('\n');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('客户档案');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const [cells] = parse(line, { relax_column_count: true }) as string[][];
    sheet.getRow(index + 1).values = cells.map((cell, column) => {
      if (index > 0 && column === 3 && /^\d{4}-\d{2}-\d{2}$/.test(cell)) return new Date(`${cell}T00:00:00Z`);
      if (index > 0 && column === 2 && /^1\d{10}$/.test(cell)) return Number(cell);
      return cell;
    });
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** POSTs a file to /imports/customers as a browser form would. */
export async function upload(baseUrl: string, token: string | undefined, bytes: Buffer, fileName: string) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), fileName);
  const response = await fetch(`${baseUrl}/imports/customers`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

export const IMPORT_FIELDS = `id status mode totalRows processedRows error detectedEncoding format sha256
  columns { header field }
  summary { totalRows ok errors duplicates healthSkipped created storedValue { minorUnits }
    storedValueBonus { minorUnits } points punches healthRecords unknownColumns }
  rows(first: 100) { totalCount edges { node { rowNumber outcome duplicateReason duplicateOfCustomerId
    duplicateOfRow healthSkipped customerId problems { column field rule } } } }`;

export const START = `mutation($input: StartCustomerImportInput!) { startCustomerImport(input: $input) { ${IMPORT_FIELDS} } }`;

export async function startImport(testApp: TestApp, token: string, input: Record<string, unknown>) {
  return execute(testApp, token, START, { input });
}

/** Rows of a report by row number, for reading assertions. */
export function rowsByNumber(customerImport: { rows: { edges: { node: Record<string, any> }[] } }) {
  return new Map(customerImport.rows.edges.map(({ node }) => [node.rowNumber as number, node]));
}

export const CONSENT = {
  method: 'PAPER_FORM',
  obtainedAt: '2026-11-20T10:00:00.000Z',
  note: '纸质同意书存于前台档案柜',
};

/**
 * A generated archive of `count` customers (distinct phones, opening balances, a note of `noteLength`
 * characters so a few thousand rows pass the inline limit), UTF-8.
 */
export function generatedCsv(count: number, noteLength = 20): Buffer {
  const lines = ['姓名,性别,手机,生日,储值余额,积分,标签,备注'];
  for (let index = 0; index < count; index++)
    lines.push(
      [
        `客户${index}`,
        index % 3 ? '女' : '男',
        `139${String(index).padStart(8, '0')}`,
        `19${String(50 + (index % 50))}-0${1 + (index % 9)}-1${index % 10}`,
        `${index % 7}00.50`,
        String(index % 500),
        index % 2 ? '老客户' : '',
        '备'.repeat(noteLength),
      ].join(','),
    );
  return Buffer.from(lines.join('\n'), 'utf8');
}
