import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { ImportEncoding, ImportFormat } from '../../src/entities/imports/imports.enums';
import { readRows, type SourceRow } from '../../src/services/imports/import-source';

/** What the XLSX reader makes of a workbook's cells: the import sees text, or a date. */
async function rowsOf(bytes: Buffer): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const row of readRows(Readable.from([bytes]), ImportFormat.XLSX, ImportEncoding.UTF8))
    rows.push(row);
  return rows;
}

test('the first tab only, row numbers as shown, dates, rich text, hyperlinks and formula results as text', async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('客户档案');
  sheet.addRow(['姓名', '生日', '备注', '手机', '积分']);
  sheet.addRow([
    ' 王芳 ',
    new Date('1988-03-05T00:00:00Z'),
    { richText: [{ text: '偏好' }, { text: '安静包间', font: { bold: true } }] },
    { text: '13800138100', hyperlink: 'tel:13800138100' },
    { formula: '100*2', result: 200 },
  ]);
  // Row 3 left blank: the next customer is row 4, as the spreadsheet shows it.
  sheet.getRow(4).values = ['李娜', '', '', 13900139000];
  workbook.addWorksheet('说明').addRow(['这一页不导入']);
  const rows = await rowsOf(Buffer.from(await workbook.xlsx.writeBuffer()));

  expect(rows).toEqual([
    { rowNumber: 1, cells: ['姓名', '生日', '备注', '手机', '积分'] },
    {
      rowNumber: 2,
      cells: ['王芳', new Date('1988-03-05T00:00:00Z'), '偏好安静包间', '13800138100', '200'],
    },
    { rowNumber: 4, cells: ['李娜', '', '', '13900139000'] },
  ]);
});

test('a Chinese text longer than any piece the reader cuts is read whole', async () => {
  // exceljs's streaming reader decoded 16 KiB pieces of bytes on their own (exceljs#2084); its document
  // reader cuts the decoded text in 16 K pieces, which may fall inside 𠮷 (two UTF-16 units). One cell
  // of 42,000 characters spans many pieces.
  const note = '纸质档案录入偏好安静的包间𠮷'.repeat(3_000);
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('客户档案').addRows([
    ['姓名', '备注'],
    ['王芳', note],
  ]);
  const rows = await rowsOf(Buffer.from(await workbook.xlsx.writeBuffer()));
  expect(rows[1].cells).toEqual(['王芳', note]);
});

test("a damaged XLSX is the client's mistake: BAD_USER_INPUT file, not an internal error", async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('客户档案');
  for (let index = 0; index < 2_000; index++) sheet.addRow([`客户${index}`, `备注${index * 7919}`]);
  const damaged = Buffer.from(await workbook.xlsx.writeBuffer());
  // Inside the compressed sheet: the zip still opens, the inflated part is not what it declares.
  const at = Math.floor(damaged.length * 0.3);
  for (let offset = 0; offset < 64; offset++) damaged[at + offset] ^= 0x5a;
  await expect(rowsOf(damaged)).rejects.toMatchObject({
    code: 'BAD_USER_INPUT',
    details: { field: 'file', rule: 'file' },
  });
});
