import type { Server } from 'node:http';
import { isSealedBytes, sealedBytesKeyId } from '../../src/core/crypto/envelope';
import { keyRing } from '../../src/core/crypto/key-ring';
import { rotateDataKey, type DataKeyRotation } from '../../src/core/crypto/rotation';
import { countRows, type OrganizationFixture } from '../support/fixtures';
import { type TestApp } from '../support/test-app';
import { startHttpTestApp, stopHttpTestApp } from '../support/http-test-app';
import { CONSENT, startImport, upload } from '../imports/import-support';

/**
 * `keys:rotate-data` retires the older keys: an uploaded file's stored pieces (customer_import_chunk)
 * are sealed again under the new key with the health values, plaintext pieces from before the
 * encryption included, and the import still runs afterwards.
 */
let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  ({ testApp, org, server, baseUrl } = await startHttpTestApp());
}, 60_000);
afterAll(() => stopHttpTestApp(testApp, server));

const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) =>
  testApp.orm.em.getConnection().execute<T[]>(text, params);

async function uploadCsv(name: string, phone: string, allergy: string): Promise<string> {
  const csv = `姓名,手机号码,过敏史\n${name},${phone},${allergy}\n`;
  const uploaded = await upload(baseUrl, org.tokens.OWNER, Buffer.from(csv, 'utf8'), `${name}.csv`);
  expect(uploaded.status).toBe(201);
  return uploaded.body.importId as string;
}

/** The key id in each stored piece's header ('plaintext' for a piece without one). */
async function pieceKeys(importId: string): Promise<string[]> {
  const pieces = await sql<{ data: Buffer }>(
    'select data from customer_import_chunk where customer_import_id = ? order by seq',
    [importId],
  );
  return pieces.map(({ data }) => (isSealedBytes(data) ? sealedBytesKeyId(data) : 'plaintext'));
}

async function runImport(importId: string, phone: string) {
  const dry = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: true,
    healthConsent: CONSENT,
  });
  expect(dry.errors).toBeUndefined();
  expect(dry.data!.startCustomerImport.summary).toMatchObject({ ok: 1, errors: 0 });
  const real = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: false,
    healthConsent: CONSENT,
  });
  expect(real.errors).toBeUndefined();
  expect(real.data!.startCustomerImport.summary).toMatchObject({ ok: 1, created: 1 });
  expect(
    await countRows(testApp.orm, 'select count(*) from customer where organization_id = ? and phone = ?', [
      org.organizationId,
      `+86${phone}`,
    ]),
  ).toBe(1);
}

test('a data key rotation seals the stored import pieces again under the new key; the imports still run', async () => {
  const [old] = await sql<{ id: string }>(
    'select id from data_key where organization_id = ? and retired_at is null',
    [org.organizationId],
  );
  const sealedId = await uploadCsv('轮换分块甲', '13922220001', '轮换过敏原甲');
  expect(await pieceKeys(sealedId)).toEqual([old.id]);
  // A piece stored before the pieces were sealed: the file's bytes as they came.
  const legacyId = await uploadCsv('轮换分块乙', '13922220002', '轮换过敏原乙');
  await sql(`update customer_import_chunk set data = convert_to(?, 'UTF8') where customer_import_id = ?`, [
    '姓名,手机号码,过敏史\n轮换分块乙,13922220002,轮换过敏原乙\n',
    legacyId,
  ]);
  expect(await pieceKeys(legacyId)).toEqual(['plaintext']);

  // An upload while the rotation runs, once the new key seals (activation delay 0 here): already under
  // the new key, it is not taken again (else no pass would ever find nothing), so two pieces count.
  let duringId: string | undefined;
  const delay = keyRing.activationDelayMs;
  keyRing.activationDelayMs = 0;
  let result: DataKeyRotation;
  try {
    result = await rotateDataKey(testApp.orm.em.fork(), org.organizationId, {
      batchSize: 1,
      onBatch: async (table) => {
        if (table === 'customer_import_chunk' && !duringId)
          duringId = await uploadCsv('轮换分块丙', '13922220003', '轮换过敏原丙');
      },
    });
  } finally {
    keyRing.activationDelayMs = delay;
  }
  expect(result.retired).toBe(1);
  for (const importId of [sealedId, legacyId]) expect(await pieceKeys(importId)).toEqual([result.newKeyId]);
  expect(duringId).toBeDefined();
  expect(await pieceKeys(duringId!)).toEqual([result.newKeyId]);
  expect(result.importPieces).toBe(2);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from customer_import_chunk where organization_id = ? and position(convert_to(?, 'UTF8') in data) > 0`,
      [org.organizationId, '轮换过敏原乙'],
    ),
  ).toBe(0);

  await runImport(sealedId, '13922220001');
  await runImport(legacyId, '13922220002');
  await runImport(duringId!, '13922220003');
});
