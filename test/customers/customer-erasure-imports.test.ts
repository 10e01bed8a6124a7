import type { Server } from 'node:http';
import { CONSENT, rowsByNumber, startImport, upload } from '../imports/import-support';
import { countRows, type OrganizationFixture } from '../support/fixtures';
import { newKey } from '../support/ledger-fixtures';
import { execute, type TestApp } from '../support/test-app';
import { startHttpTestApp, stopHttpTestApp } from '../support/http-test-app';

/** An erasure reaches the uploaded files of 建档导入, whose bytes stay until an import's real run. */
let testApp: TestApp;
let org: OrganizationFixture;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  ({ testApp, org, server, baseUrl } = await startHttpTestApp());
}, 60_000);
afterAll(() => stopHttpTestApp(testApp, server));

const FILE = Buffer.from(
  '姓名,性别,手机号码,过敏史,备注\n司马秘密,女,13912345678,青霉素,住在幸福路88号\n',
  'utf8',
);
/**
 * Stored files of the organization that still have bytes. The pieces are sealed (issue 17), so their
 * plaintext cannot be searched for: what is counted is the files that keep any piece.
 */
const filesHolding = () =>
  countRows(
    testApp.orm,
    `select count(distinct customer_import_id) from customer_import_chunk where organization_id = ?`,
    [org.organizationId],
  );

test('files whose rows name the erased customer, and files not read yet, lose their bytes', async () => {
  const first = await upload(baseUrl, org.tokens.OWNER, FILE, 'archive.csv');
  const importId = first.body.importId as string;
  await startImport(testApp, org.tokens.OWNER, { importId, dryRun: true, healthConsent: CONSENT });
  const real = await startImport(testApp, org.tokens.OWNER, {
    importId,
    dryRun: false,
    healthConsent: CONSENT,
  });
  const customerId = rowsByNumber(real.data!.startCustomerImport).get(2)!.customerId as string;
  // The same file again, dry run only: its row is a duplicate of the customer; and a file never read.
  const again = await upload(baseUrl, org.tokens.MANAGER, FILE, 'archive-again.csv');
  await startImport(testApp, org.tokens.MANAGER, { importId: again.body.importId, dryRun: true });
  await upload(baseUrl, org.tokens.MANAGER, FILE, 'not-read-yet.csv');
  expect(await filesHolding()).toBe(2);

  const { data } = await execute<{ customer: { code: string } }>(
    testApp,
    org.tokens.OWNER,
    `query($id: ID!) { customer(id: $id) { code } }`,
    { id: customerId },
  );
  const erased = await execute(
    testApp,
    org.tokens.OWNER,
    `mutation($input: EraseCustomerInput!) { eraseCustomer(input: $input) { erasedAt } }`,
    {
      input: {
        id: customerId,
        reason: '客户本人书面申请',
        confirm: data!.customer.code,
        idempotencyKey: newKey('erase'),
      },
    },
  );
  expect(erased.errors).toBeUndefined();
  // Before, both files kept the name, the phone, the allergy and the address (sealed, since issue 17).
  expect(await filesHolding()).toBe(0);
  expect(
    await countRows(
      testApp.orm,
      `select count(*) from customer_import where organization_id = ? and status = 'FAILED' and error like '%erasure%'`,
      [org.organizationId],
    ),
  ).toBe(2);
});
