import { Client } from 'pg';
import { compactCustomerTally } from '../../src/jobs/maintenance.job';
import { COMPILED_READ_TAG } from '../../src/server/compiled-read/compile-entry';
import { RUNTIME_ROLE } from '../../src/server/database';
import { forOrganization } from '../../src/services/tenancy';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { newKey } from '../support/ledger-fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

/**
 * The customers page's totalCount without a filter is the organization's customer_tally
 * (Migration20261207010000_customer_tally): delta rows that the triggers on `customer` append. It must
 * stay the true count through every way customers come and go, for every filter that selects the
 * whole organization; anything narrower still counts rows. Run by two files, one per read path
 * (compiled statements, graphql-js and the services): one app per file, since two MikroORM instances
 * in one module registry share the entity classes (an erasure then failed on a HealthProfile it never
 * changed).
 */
export function describeCustomerTally(compiledReads: boolean): void {
  let testApp: TestApp;
  let org: OrganizationFixture;
  let other: OrganizationFixture;
  const statements: string[] = [];

  beforeAll(async () => {
    testApp = await createTestApp(undefined, {
      config: { compiledReads, compiledReadRetry: 'every-time' },
    });
    org = await createOrganization(testApp);
    other = await createOrganization(testApp, '隔壁店');
    testApp.orm.em
      .getConnection()
      .getKnex()
      .on('query', (query: { sql: string }) => statements.push(query.sql));
  });
  afterAll(() => testApp.close());

  const COUNTS = `{
    live: customers(first: 1) { totalCount }
    all: customers(first: 1, filter: { includeArchived: true }) { totalCount }
    archived: customers(first: 1, filter: { archivedOnly: true }) { totalCount }
  }`;

  /** What count(*) says, as the tables' owner. */
  async function trueCounts(organizationId: string) {
    const owner = new Client({ connectionString: testApp.url });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ live: string; all: string; archived: string }>(
        `select count(*) filter (where archived_at is null) as live, count(*) as all,
                count(*) filter (where archived_at is not null) as archived
           from customer where organization_id = $1`,
        [organizationId],
      );
      return { live: Number(rows[0].live), all: Number(rows[0].all), archived: Number(rows[0].archived) };
    } finally {
      await owner.end();
    }
  }

  /** The three totalCounts as a role reads them. */
  async function apiCounts(
    fixture: OrganizationFixture,
    role: keyof OrganizationFixture['tokens'] = 'MANAGER',
  ) {
    const result = await execute<Record<'live' | 'all' | 'archived', { totalCount: number }>>(
      testApp,
      fixture.tokens[role],
      COUNTS,
    );
    expect(result.errors).toBeUndefined();
    const data = result.data!;
    return { live: data.live.totalCount, all: data.all.totalCount, archived: data.archived.totalCount };
  }

  async function expectTrueCounts(fixture: OrganizationFixture) {
    expect(await apiCounts(fixture)).toEqual(await trueCounts(fixture.organizationId));
  }

  const createCustomer = (name: string, phone: string) =>
    execute<{ createCustomer: { id: string; code: string; version: number } }>(
      testApp,
      org.tokens.OWNER,
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id code version } }`,
      { input: { name, phone } },
    ).then((result) => {
      expect(result.errors).toBeUndefined();
      return result.data!.createCustomer;
    });

  test('the counts follow creation, bulk inserts, archiving, restoring, merging, erasure and deletion', async () => {
    await expectTrueCounts(org);
    const first = await createCustomer('赵敏', '13900000001');
    const second = await createCustomer('赵敏', '13900000002');
    const third = await createCustomer('孙丽', '13900000003');
    await expectTrueCounts(org);

    // One statement of many rows (an import's chunk, a seed), live and archived at once.
    await testApp.orm.em.getConnection().execute(
      `insert into customer (id, organization_id, code, name, name_pinyin, name_initials, important_dates, preferences, archived_at)
       select gen_random_uuid(), ?, 'T' || n, '客户' || n, 'kehu' || n, 'kh', '[]', '{}',
              case when n % 4 = 0 then now() end
         from generate_series(1, 40) n`,
      [org.organizationId],
    );
    await expectTrueCounts(org);

    const beforeArchive = await apiCounts(org);
    const archive = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!) { archiveCustomer(id: $id) { id } }`,
      {
        id: third.id,
      },
    );
    expect(archive.errors).toBeUndefined();
    expect(await apiCounts(org)).toEqual({
      live: beforeArchive.live - 1,
      all: beforeArchive.all,
      archived: beforeArchive.archived + 1,
    });
    await expectTrueCounts(org);
    const restore = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($id: ID!) { restoreCustomer(id: $id) { id } }`,
      {
        id: third.id,
      },
    );
    expect(restore.errors).toBeUndefined();
    await expectTrueCounts(org);

    const merge = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { survivor { id } } }`,
      {
        input: {
          survivorId: first.id,
          mergedId: second.id,
          survivorVersion: first.version,
          mergedVersion: second.version,
          idempotencyKey: newKey('merge'),
        },
      },
    );
    expect(merge.errors).toBeUndefined();
    await expectTrueCounts(org);

    const erase = await execute(
      testApp,
      org.tokens.OWNER,
      `mutation($input: EraseCustomerInput!) { eraseCustomer(input: $input) { erasedAt } }`,
      {
        input: {
          id: third.id,
          reason: '客户本人书面申请',
          confirm: third.code,
          idempotencyKey: newKey('erase'),
        },
      },
    );
    expect(erase.errors).toBeUndefined();
    await expectTrueCounts(org);

    // Plain SQL too: the triggers count whatever writes.
    await testApp.asOwner(`delete from customer where organization_id = $1 and code in ('T1', 'T4', 'T5')`, [
      org.organizationId,
    ]);
    await testApp.asOwner(
      `update customer set archived_at = now() where organization_id = $1 and code = 'T2'`,
      [org.organizationId],
    );
    // An update that leaves archived_at as it was (null to null, set to set) changes no count.
    await testApp.asOwner(
      `update customer set archived_at = archived_at, visit_count = visit_count + 1 where organization_id = $1`,
      [org.organizationId],
    );
    await expectTrueCounts(org);

    // The other organization's customers are its own.
    await expect(apiCounts(other)).resolves.toEqual(await trueCounts(other.organizationId));
    expect((await trueCounts(other.organizationId)).all).not.toBe((await trueCounts(org.organizationId)).all);
  });

  test('compaction folds every organization into one row and keeps every count', async () => {
    await createCustomer('钱芳', '13900000011');
    await createCustomer('钱芳', '13900000012');
    const before = [await apiCounts(org), await apiCounts(other)];
    const rowsOf = async (organizationId: string) => {
      const owner = new Client({ connectionString: testApp.url });
      await owner.connect();
      const { rows } = await owner.query(
        `select count(*)::int as n from customer_tally where organization_id = $1`,
        [organizationId],
      );
      await owner.end();
      return rows[0].n as number;
    };
    expect(await rowsOf(org.organizationId)).toBeGreaterThan(1);
    // As the job runs it: the jobs pool's role, across organizations.
    expect(await compactCustomerTally(testApp.orm.em.fork())).toBeGreaterThan(1);
    expect(await rowsOf(org.organizationId)).toBe(1);
    expect(await rowsOf(other.organizationId)).toBe(1);
    expect([await apiCounts(org), await apiCounts(other)]).toEqual(before);
    await expectTrueCounts(org);

    // An organization whose customers are all gone keeps no row, and still counts zero.
    const emptied = await createOrganization(testApp, '已清空');
    await testApp.asOwner('delete from customer where organization_id = $1', [emptied.organizationId]);
    expect(await rowsOf(emptied.organizationId)).toBeGreaterThan(0);
    await compactCustomerTally(testApp.orm.em.fork());
    expect(await rowsOf(emptied.organizationId)).toBe(0);
    expect(await apiCounts(emptied)).toEqual({ live: 0, all: 0, archived: 0 });
    expect([await apiCounts(org), await apiCounts(other)]).toEqual(before);
  });

  test('the unfiltered count reads the tally, a narrower one counts the rows it names', async () => {
    statements.length = 0;
    await apiCounts(org);
    expect(statements.some((sql) => sql.includes('customer_tally'))).toBe(true);
    // The path this file is about answered (a compiled statement, or the services' own).
    expect(statements.some((sql) => sql.startsWith(COMPILED_READ_TAG))).toBe(compiledReads);
    expect(statements.filter((sql) => /count\(\*\)/.test(sql))).toEqual([]);

    // A search and MARKETING's audience (opted-out customers are never counted) narrow it.
    await testApp.asOwner(
      `update customer set do_not_contact = true where organization_id = $1 and code = 'T3'`,
      [org.organizationId],
    );
    statements.length = 0;
    const search = await execute<{ customers: { totalCount: number } }>(
      testApp,
      org.tokens.MANAGER,
      `{ customers(first: 1, filter: { search: "客户" }) { totalCount } }`,
    );
    expect(search.data!.customers.totalCount).toBe(
      await trueCountWhere(`archived_at is null and name like '%客户%'`),
    );
    expect(statements.some((sql) => /count\(\*\) from customer c/.test(sql))).toBe(true);
    const marketing = await apiCounts(org, 'MARKETING');
    const manager = await apiCounts(org);
    expect(marketing.live).toBe(manager.live - 1);
  });

  test('status, tags, assignees and an external id narrow the count to the rows they name', async () => {
    // The fixture's customers are assigned to CONSULTANT and THERAPIST; one more of each kind here.
    const tagged = await createCustomer('标签客户', '13700001001');
    const lost = await createCustomer('流失客户', '13700001002');
    const tag = '00000000-0000-4000-8000-00000000a001';
    await testApp.asOwner(`insert into tag (id, organization_id, name) values ($1, $2, '敏感肌')`, [
      tag,
      org.organizationId,
    ]);
    await testApp.asOwner(
      `insert into customer_tag (customer_id, tag_id, organization_id) values ($1, $2, $3)`,
      [tagged.id, tag, org.organizationId],
    );
    await testApp.asOwner(
      `update customer set status_override = 'LOST', external_id = 'POS-7' where id = $1`,
      [lost.id],
    );
    const cases: [string, string, string][] = [
      ['status: [LOST]', `status_override = 'LOST'`, 'LOST'],
      [`tagIds: ["${tag}"]`, `id in (select customer_id from customer_tag where tag_id = '${tag}')`, 'tag'],
      [
        `assignedConsultantId: "${org.users.CONSULTANT.id}"`,
        `assigned_consultant_id = '${org.users.CONSULTANT.id}'`,
        'consultant',
      ],
      [
        `assignedTherapistId: "${org.users.THERAPIST.id}"`,
        `assigned_therapist_id = '${org.users.THERAPIST.id}'`,
        'therapist',
      ],
      ['externalId: "POS-7"', `external_id = 'POS-7'`, 'external id'],
    ];
    const live = (await apiCounts(org)).live;
    for (const [filter, condition, name] of cases) {
      statements.length = 0;
      const result = await execute<{ customers: { totalCount: number } }>(
        testApp,
        org.tokens.MANAGER,
        `{ customers(first: 1, filter: { ${filter} }) { totalCount } }`,
      );
      expect(result.errors).toBeUndefined();
      const expected = await trueCountWhere(`archived_at is null and ${condition}`);
      expect([name, result.data!.customers.totalCount]).toEqual([name, expected]);
      // Each names fewer customers than the organization has: a count read from the tally would not.
      expect([name, expected < live]).toEqual([name, true]);
      expect([name, statements.some((sql) => sql.includes('customer_tally'))]).toEqual([name, false]);
    }
  });

  async function trueCountWhere(condition: string): Promise<number> {
    const owner = new Client({ connectionString: testApp.url });
    await owner.connect();
    const { rows } = await owner.query(
      `select count(*)::int as n from customer where organization_id = $1 and ${condition}`,
      [org.organizationId],
    );
    await owner.end();
    return rows[0].n as number;
  }

  test('a request may read its own organization’s tally only, and never write it', async () => {
    await forOrganization(org.organizationId, async () => {
      await testApp.orm.em.fork().transactional(async (em) => {
        await em.execute(`set local role ${RUNTIME_ROLE}`);
        const rows = await em.execute<{ organization_id: string }[]>(
          `select distinct organization_id from customer_tally`,
        );
        expect(rows.map((row) => row.organization_id)).toEqual([org.organizationId]);
      });
      for (const statement of [
        `insert into customer_tally (organization_id, live, archived) values ('${org.organizationId}', 1000, 0)`,
        `update customer_tally set live = live + 1000`,
        `delete from customer_tally`,
      ])
        await expect(
          testApp.orm.em.fork().transactional(async (em) => {
            await em.execute(`set local role ${RUNTIME_ROLE}`);
            await em.execute(statement);
          }),
        ).rejects.toThrow(/permission denied/);
    });
    await expectTrueCounts(org);
  });
}
