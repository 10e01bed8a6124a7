import { createCatalogue, type CatalogueFixture } from '../support/booking-fixtures';
import { countRows, createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;
let other: OrganizationFixture;
let menu: CatalogueFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
  other = await createOrganization(testApp, '别家美容院');
  menu = await createCatalogue(testApp, org);
});
afterAll(() => testApp.close());

type Role = keyof OrganizationFixture['tokens'];
const as = (role: Role, query: string, variables?: Record<string, unknown>) =>
  execute(testApp, org.tokens[role], query, variables);
const audits = (entityType: string, id: string) =>
  countRows(testApp.orm, `select count(*) from audit_event where entity_type = ? and entity_id = ?`, [
    entityType,
    id,
  ]);

const CREATE_TAG = `mutation($input: ContraindicationTagInput!) {
  createContraindicationTag(input: $input) { id name severity description specialConditionKinds allergyCategories keywords } }`;
const CREATE_SERVICE = `mutation($input: ServiceItemInput!) {
  createService(input: $input) { id code name category durationMinutes bufferMinutes version roomKind active
    price { amount minorUnits } contraindications { name } } }`;
const UPDATE_SERVICE = `mutation($id: ID!, $version: Int!, $input: ServiceItemInput!) {
  updateService(id: $id, expectedVersion: $version, input: $input) { id name description roomKind version
    price { minorUnits } contraindications { name } } }`;

describe('contraindication tags', () => {
  test('a manager creates a tag with what it matches; staff who book read the matching rules, marketing only the name', async () => {
    const created = await as('MANAGER', CREATE_TAG, {
      input: {
        name: ' 皮肤破损禁用 ',
        severity: 'AVOID',
        description: '局部皮肤破损、溃疡处禁止操作',
        keywords: ['皮肤破损', '溃疡', '溃疡'],
        allergyCategories: ['COSMETIC'],
      },
    });
    expect(created.errors).toBeUndefined();
    const tag = created.data!.createContraindicationTag;
    expect(tag).toMatchObject({
      name: '皮肤破损禁用',
      keywords: ['皮肤破损', '溃疡'],
      allergyCategories: ['COSMETIC'],
      specialConditionKinds: [],
    });
    expect(await audits('ContraindicationTag', tag.id)).toBe(1);

    const list = `{ contraindicationTags { name keywords } }`;
    const front = await as('FRONT_DESK', list);
    expect(front.errors).toBeUndefined();
    expect(front.data!.contraindicationTags).toContainEqual({
      name: '皮肤破损禁用',
      keywords: ['皮肤破损', '溃疡'],
    });
    const marketing = await as('MARKETING', list);
    expect(marketing.data!.contraindicationTags[0].name).toEqual(expect.any(String));
    expect(marketing.data!.contraindicationTags[0].keywords).toBeNull();
    expect(marketing.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  test('a duplicate name is a CONFLICT naming the field, and nothing is written', async () => {
    const before = await countRows(
      testApp.orm,
      `select count(*) from contraindication_tag where organization_id = ?`,
      [org.organizationId],
    );
    const result = await as('OWNER', CREATE_TAG, { input: { name: '孕期禁用', severity: 'CAUTION' } });
    expect(result.errors![0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'DUPLICATE_NAME',
      field: 'name',
    });
    expect(
      await countRows(testApp.orm, `select count(*) from contraindication_tag where organization_id = ?`, [
        org.organizationId,
      ]),
    ).toBe(before);
    // Another organization may use the same words.
    const elsewhere = await execute(testApp, other.tokens.OWNER, CREATE_TAG, {
      input: { name: '孕期禁用', severity: 'AVOID' },
    });
    expect(elsewhere.errors).toBeUndefined();
  });

  test('missing or invalid fields are BAD_USER_INPUT naming the field', async () => {
    const missing = await as('OWNER', CREATE_TAG, { input: { name: '无等级' } });
    expect(missing.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'severity' });
    const long = await as('OWNER', CREATE_TAG, { input: { name: '长'.repeat(51), severity: 'AVOID' } });
    expect(long.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(long.errors![0].extensions!.fields).toEqual([expect.objectContaining({ field: 'name' })]);
  });

  test('a tag in use cannot be deleted (CONFLICT IN_USE names the services); unused, it can', async () => {
    const tags = (await as('OWNER', `{ contraindicationTags { id name } }`)).data!.contraindicationTags;
    const pregnancy = tags.find((tag: { name: string }) => tag.name === '孕期禁用');
    const refused = await as('OWNER', `mutation($id: ID!) { deleteContraindicationTag(id: $id) }`, {
      id: pregnancy.id,
    });
    expect(refused.errors![0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'IN_USE',
      services: ['拔罐', '精油SPA'],
    });
    expect(
      await countRows(testApp.orm, `select count(*) from contraindication_tag where id = ?`, [pregnancy.id]),
    ).toBe(1);

    const spare = (await as('OWNER', CREATE_TAG, { input: { name: '饭后慎用', severity: 'CAUTION' } })).data!
      .createContraindicationTag;
    const deleted = await as('OWNER', `mutation($id: ID!) { deleteContraindicationTag(id: $id) }`, {
      id: spare.id,
    });
    expect(deleted.data!.deleteContraindicationTag).toBe(spare.id);
    expect(
      await countRows(testApp.orm, `select count(*) from contraindication_tag where id = ?`, [spare.id]),
    ).toBe(0);
    expect(await audits('ContraindicationTag', spare.id)).toBe(2);
  });

  test('the database refuses to delete a tag in use even past the service (foreign key restrict)', async () => {
    const [row] = await testApp.orm.em
      .getConnection()
      .execute<{ id: string }[]>(
        `select id from contraindication_tag where organization_id = ? and name = '精油过敏'`,
        [org.organizationId],
      );
    await expect(
      testApp.orm.em.getConnection().execute(`delete from contraindication_tag where id = ?`, [row.id]),
    ).rejects.toThrow(/foreign key/);
  });

  test('updating a tag changes what it matches; other roles may not manage tags', async () => {
    const tag = (await as('OWNER', `{ contraindicationTags { id name } }`)).data!.contraindicationTags.find(
      (candidate: { name: string }) => candidate.name === '高血压慎用',
    );
    const updated = await as(
      'OWNER',
      `mutation($id: ID!, $input: ContraindicationTagInput!) { updateContraindicationTag(id: $id, input: $input) { name keywords description } }`,
      { id: tag.id, input: { keywords: ['高血压', '血压高'], description: null } },
    );
    expect(updated.data!.updateContraindicationTag).toEqual({
      name: '高血压慎用',
      keywords: ['高血压', '血压高'],
      description: null,
    });
    for (const role of ['CONSULTANT', 'THERAPIST', 'FRONT_DESK', 'MARKETING', 'AUDITOR'] as const) {
      const denied = await as(role, CREATE_TAG, { input: { name: `${role}的标签`, severity: 'AVOID' } });
      expect([role, denied.errors![0].extensions!.code]).toEqual([role, 'FORBIDDEN']);
    }
    const foreign = await execute(
      testApp,
      other.tokens.OWNER,
      `mutation($id: ID!) { deleteContraindicationTag(id: $id) }`,
      { id: tag.id },
    );
    expect(foreign.errors![0].extensions!.code).toBe('NOT_FOUND');
  });
});

describe('services', () => {
  test('a manager adds a service with its tags; it is on the menu with its price', async () => {
    const tags = (await as('OWNER', `{ contraindicationTags { id name } }`)).data!.contraindicationTags;
    const pregnancy = tags.find((tag: { name: string }) => tag.name === '孕期禁用');
    const created = await as('MANAGER', CREATE_SERVICE, {
      input: {
        code: 'AJ-01',
        name: '艾灸调理',
        category: '艾灸拔罐类',
        durationMinutes: 45,
        bufferMinutes: 15,
        priceMinorUnits: 16_800,
        roomKind: '理疗房',
        contraindicationTagIds: [pregnancy.id],
      },
    });
    expect(created.errors).toBeUndefined();
    const service = created.data!.createService;
    expect(service).toMatchObject({
      code: 'AJ-01',
      durationMinutes: 45,
      bufferMinutes: 15,
      active: true,
      price: { amount: '168.00', minorUnits: 16_800 },
      contraindications: [{ name: '孕期禁用' }],
    });
    expect(await audits('ServiceItem', service.id)).toBe(1);
    const read = await as('FRONT_DESK', `query($id: ID!) { service(id: $id) { name price { amount } } }`, {
      id: service.id,
    });
    expect(read.data!.service).toEqual({ name: '艾灸调理', price: { amount: '168.00' } });
    const menuList = await as('MARKETING', `{ services { code } }`);
    expect(menuList.data!.services.map((item: { code: string }) => item.code)).toContain('AJ-01');
  });

  test('bad input is BAD_USER_INPUT naming the field and writes nothing', async () => {
    const count = () =>
      countRows(testApp.orm, `select count(*) from service_item where organization_id = ?`, [
        org.organizationId,
      ]);
    const before = await count();
    const base = { code: 'X1', name: '测试', category: '测试类', durationMinutes: 60, priceMinorUnits: 100 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, durationMinutes: 4 }, 'durationMinutes'],
      [{ ...base, bufferMinutes: 241 }, 'bufferMinutes'],
      [{ ...base, priceMinorUnits: -1 }, 'priceMinorUnits'],
      [{ ...base, code: '有空格 code' }, 'code'],
    ];
    for (const [input, field] of cases) {
      const result = await as('OWNER', CREATE_SERVICE, { input });
      expect([field, result.errors![0].extensions!.code]).toEqual([field, 'BAD_USER_INPUT']);
      expect(result.errors![0].extensions!.fields).toEqual([expect.objectContaining({ field })]);
    }
    const missing = await as('OWNER', CREATE_SERVICE, { input: { ...base, priceMinorUnits: undefined } });
    expect(missing.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'priceMinorUnits' });
    const unknownTag = await as('OWNER', CREATE_SERVICE, {
      input: { ...base, contraindicationTagIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(unknownTag.errors![0].extensions!.code).toBe('NOT_FOUND');
    const duplicate = await as('OWNER', CREATE_SERVICE, { input: { ...base, code: 'S01' } });
    expect(duplicate.errors![0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'DUPLICATE_CODE',
      field: 'code',
    });
    expect(await count()).toBe(before);
  });

  test('update checks the version, clears with null, replaces tags and bumps the version even for tags alone', async () => {
    const service = (
      await as('OWNER', `query($id: ID!) { service(id: $id) { id version } }`, { id: menu.spa.id })
    ).data!.service;
    const updated = await as('MANAGER', UPDATE_SERVICE, {
      id: menu.spa.id,
      version: service.version,
      input: { name: '芳香精油SPA', description: '全身精油按摩', priceMinorUnits: 39_800 },
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateService).toMatchObject({
      name: '芳香精油SPA',
      description: '全身精油按摩',
      version: service.version + 1,
      price: { minorUnits: 39_800 },
    });
    const stale = await as('MANAGER', UPDATE_SERVICE, {
      id: menu.spa.id,
      version: service.version,
      input: { name: '旧版本' },
    });
    expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_VERSION' });

    const tagsOnly = await as('MANAGER', UPDATE_SERVICE, {
      id: menu.spa.id,
      version: service.version + 1,
      input: { contraindicationTagIds: [], description: null, roomKind: null },
    });
    expect(tagsOnly.errors).toBeUndefined();
    expect(tagsOnly.data!.updateService).toMatchObject({
      contraindications: [],
      description: null,
      roomKind: null,
      version: service.version + 2,
    });
    const [event] = await testApp.orm.em
      .getConnection()
      .execute<{ fields: string[] }[]>(
        `select fields from audit_event where entity_id = ? and action = 'UPDATE' order by occurred_at desc limit 1`,
        [menu.spa.id],
      );
    expect(event.fields.sort()).toEqual(['contraindications', 'description', 'roomKind']);
  });

  test('a deactivated service is off the menu and not bookable; inactive services are listed on request', async () => {
    const result = await as(
      'OWNER',
      `mutation($id: ID!) { setServiceActive(id: $id, active: false) { active } }`,
      { id: menu.haircut.id },
    );
    expect(result.data!.setServiceActive.active).toBe(false);
    const active = (await as('FRONT_DESK', `{ services { id } }`)).data!.services.map(
      (item: { id: string }) => item.id,
    );
    expect(active).not.toContain(menu.haircut.id);
    const all = (await as('FRONT_DESK', `{ services(includeInactive: true) { id } }`)).data!.services.map(
      (item: { id: string }) => item.id,
    );
    expect(all).toContain(menu.haircut.id);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const booking = await as(
      'FRONT_DESK',
      `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { appointment { id } } }`,
      {
        input: {
          customerId: org.unassigned.id,
          storeId: org.storeId,
          startsAt: tomorrow,
          channel: 'PHONE',
          items: [{ serviceId: menu.haircut.id }],
        },
      },
    );
    expect(booking.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'items[0].serviceId',
      rule: 'active',
    });
    await as('OWNER', `mutation($id: ID!) { setServiceActive(id: $id, active: true) { active } }`, {
      id: menu.haircut.id,
    });
  });

  test('the version and mutations are for OWNER and MANAGER; therapists see no price', async () => {
    const query = `query($id: ID!) { service(id: $id) { name version price { amount } } }`;
    const therapist = await as('THERAPIST', query, { id: menu.massage.id });
    expect(therapist.data!.service).toEqual({ name: '肩颈推拿', version: null, price: null });
    expect(therapist.errors!.map((error) => error.path!.at(-1)).sort()).toEqual(['price', 'version']);
    for (const role of ['CONSULTANT', 'THERAPIST', 'FRONT_DESK', 'MARKETING', 'AUDITOR'] as const) {
      const denied = await as(
        role,
        `mutation($id: ID!) { setServiceActive(id: $id, active: false) { active } }`,
        { id: menu.massage.id },
      );
      expect([role, denied.errors![0].extensions!.code]).toEqual([role, 'FORBIDDEN']);
    }
    const foreign = await execute(testApp, other.tokens.OWNER, query, { id: menu.massage.id });
    expect(foreign.errors![0].extensions!.code).toBe('NOT_FOUND');
  });
});

describe('rooms', () => {
  const CREATE_ROOM = `mutation($input: CreateRoomInput!) { createRoom(input: $input) { id name kind active } }`;

  test('rooms are created per store with a unique name, renamed and deactivated', async () => {
    const created = await as('MANAGER', CREATE_ROOM, {
      input: { storeId: org.storeId, name: 'VIP 双人房', kind: '理疗房' },
    });
    expect(created.errors).toBeUndefined();
    const room = created.data!.createRoom;
    const duplicate = await as('MANAGER', CREATE_ROOM, {
      input: { storeId: org.storeId, name: 'VIP 双人房', kind: '美容房' },
    });
    expect(duplicate.errors![0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'DUPLICATE_NAME',
      field: 'name',
    });
    const renameClash = await as(
      'MANAGER',
      `mutation($id: ID!) { updateRoom(id: $id, input: { name: "理疗房 A" }) { name } }`,
      { id: room.id },
    );
    expect(renameClash.errors![0].extensions!.reason).toBe('DUPLICATE_NAME');
    const updated = await as(
      'MANAGER',
      `mutation($id: ID!) { updateRoom(id: $id, input: { name: "VIP 套房", active: false }) { name kind active } }`,
      { id: room.id },
    );
    expect(updated.data!.updateRoom).toEqual({ name: 'VIP 套房', kind: '理疗房', active: false });
    expect(await audits('Room', room.id)).toBe(2);
    const foreignStore = await execute(testApp, other.tokens.OWNER, CREATE_ROOM, {
      input: { storeId: org.storeId, name: '偷房', kind: '理疗房' },
    });
    expect(foreignStore.errors![0].extensions!.code).toBe('NOT_FOUND');
    const frontDesk = await as('FRONT_DESK', CREATE_ROOM, {
      input: { storeId: org.storeId, name: '前台房', kind: '理疗房' },
    });
    expect(frontDesk.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  test('an inactive room is not offered by availability', async () => {
    const date = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const slots = () =>
      as(
        'FRONT_DESK',
        `query($store: ID!, $service: ID!, $date: LocalDate!) {
        availability(storeId: $store, serviceId: $service, date: $date) { startsAt } }`,
        {
          store: org.storeId,
          service: menu.massage.id,
          date,
        },
      );
    const before = await slots();
    expect(before.errors).toBeUndefined();
    expect(before.data!.availability.length).toBeGreaterThan(0);
    for (const room of [menu.roomA, menu.roomB])
      await as('MANAGER', `mutation($id: ID!) { updateRoom(id: $id, input: { active: false }) { active } }`, {
        id: room.id,
      });
    const after = await slots();
    expect(after.data!.availability).toEqual([]);
    for (const room of [menu.roomA, menu.roomB])
      await as('MANAGER', `mutation($id: ID!) { updateRoom(id: $id, input: { active: true }) { active } }`, {
        id: room.id,
      });
  });
});
