import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { prng } from './dataset';
import { loadActivity } from './pages-360-activity';
import type { Catalogue, Scope } from './pages-catalogue';
import { rows } from './pages-rows';

/**
 * The customers the 360 page is measured on get everything it shows: two wallets with a consistent
 * ledger (stored value and points), three tier moves, a fuller health profile, and (pages-360-activity)
 * upcoming appointments, contacts, open care tasks and tags. Their visits come from loadVisits.
 */

const DAY = 24 * 3600 * 1000;
const iso = (ms: number) => new Date(Math.floor(ms)).toISOString();

export async function load360(
  client: Client,
  scope: Scope & { managerId: string },
  catalogue: Catalogue,
  customerIds: string[],
): Promise<void> {
  await loadWallets(client, scope, catalogue, customerIds);
  await loadTiers(client, scope, catalogue, customerIds);
  await loadActivity(client, scope, catalogue, customerIds);
  await loadHealth(client, customerIds);
}

/**
 * 储值 and 积分 over 400 days: 14 services charged to stored value (topped up 充3000送500 whenever the
 * principal would not cover one, spent before 赠送 as BONUS_LAST does), each earning points. The
 * accounts' balances are the last entries' "after" values, so the ledger check holds.
 */
async function loadWallets(client: Client, scope: Scope, catalogue: Catalogue, customerIds: string[]) {
  const random = prng(360);
  const now = Date.now();
  const accounts = rows(
    'account',
    'id uuid, customer_id uuid, kind account_kind, principal bigint, bonus bigint, units int, created_at timestamptz, updated_at timestamptz',
  );
  const ledger = rows(
    'ledger_entry',
    `id uuid, account_id uuid, customer_id uuid, kind ledger_entry_kind, principal_delta bigint, bonus_delta bigint,
     units_delta int, principal_after bigint, bonus_after bigint, units_after int, operation_id uuid, amount_paid bigint,
     payment_method payment_method, expires_at timestamptz, note varchar, created_at timestamptz, updated_at timestamptz`,
  );
  for (const [index, customerId] of customerIds.entries()) {
    const opened = now - 400 * DAY + index * 60_000;
    const [wallet, points] = [randomUUID(), randomUUID()];
    const balance = { principal: 0, bonus: 0, units: 0 };
    const unchanged = { principal_delta: 0, bonus_delta: 0, units_delta: 0 };
    for (let step = 0; step < 14; step++) {
      const atMs = opened + step * 27 * DAY + index * 1000;
      const at = { created_at: iso(atMs), updated_at: iso(atMs), customer_id: customerId };
      const service = catalogue.services[Math.floor(random() * catalogue.services.length)];
      const stored = { ...at, account_id: wallet, operation_id: randomUUID(), units_after: 0 };
      if (balance.principal < service.price) {
        balance.principal += 300_000;
        balance.bonus += 50_000;
        ledger.add({
          ...stored,
          ...unchanged,
          id: randomUUID(),
          kind: 'TOP_UP',
          principal_delta: 300_000,
          bonus_delta: 50_000,
          principal_after: balance.principal,
          bonus_after: balance.bonus,
          amount_paid: 300_000,
          payment_method: 'WECHAT_PAY',
          note: '充3000送500',
        });
      }
      balance.principal -= service.price;
      ledger.add({
        ...stored,
        ...unchanged,
        id: randomUUID(),
        kind: 'CHARGE',
        principal_delta: -service.price,
        principal_after: balance.principal,
        bonus_after: balance.bonus,
        note: service.name,
      });
      const earned = Math.floor(service.price / 100);
      balance.units += earned;
      ledger.add({
        ...at,
        ...unchanged,
        id: randomUUID(),
        account_id: points,
        operation_id: stored.operation_id,
        kind: 'EARN',
        units_delta: earned,
        principal_after: 0,
        bonus_after: 0,
        units_after: balance.units,
        expires_at: iso(atMs + 365 * DAY),
        note: `消费积分: ${service.name}`,
      });
    }
    const opening = { customer_id: customerId, created_at: iso(opened), updated_at: iso(opened) };
    accounts.add({ ...opening, id: wallet, kind: 'STORED_VALUE', ...balance, units: 0 });
    accounts.add({ ...opening, id: points, kind: 'POINTS', principal: 0, bonus: 0, units: balance.units });
  }
  await accounts.insert(client, { organization_id: scope.organizationId });
  await ledger.insert(client, { organization_id: scope.organizationId, store_id: scope.storeId });
}

/** 普通 → 银卡 → 金卡 over the last 400 days; 金卡 is the customer's tier now. */
async function loadTiers(client: Client, scope: Scope, catalogue: Catalogue, customerIds: string[]) {
  const now = Date.now();
  const changes = rows(
    'tier_change',
    'id uuid, customer_id uuid, from_tier_id uuid, to_tier_id uuid, reason varchar, created_at timestamptz, updated_at timestamptz',
  );
  const [basic, silver, gold] = catalogue.tierIds;
  for (const [index, customerId] of customerIds.entries()) {
    for (const [days, from, to, reason] of [
      [400, null, basic, '开卡'],
      [250, basic, silver, '近365天消费 ¥6,000 / 到店 2 次'],
      [60, silver, gold, '近365天消费 ¥10,000 / 到店 4 次'],
    ] as const) {
      const at = iso(now - days * DAY + index * 1000);
      changes.add({
        id: randomUUID(),
        customer_id: customerId,
        from_tier_id: from,
        to_tier_id: to,
        reason,
        created_at: at,
        updated_at: at,
      });
    }
  }
  await changes.insert(client, { organization_id: scope.organizationId });
  await client.query('update customer set tier_id = $2 where id = any($1::uuid[])', [customerIds, gold]);
}

/** Every section of the health profile filled: lifestyle, skin, two allergies, history, a condition. */
async function loadHealth(client: Client, customerIds: string[]) {
  const ids = [customerIds];
  await client.query(
    `update health_profile set secondary_constitutions = '["QI_DEFICIENCY", "DAMP_HEAT"]', notes = '久坐办公, 肩颈僵硬',
       lifestyle = '{"sleepHours": 6.5, "sleepQuality": "LOW", "diet": "清淡", "exercise": "OCCASIONALLY",
                     "smoking": "NEVER", "drinking": "OCCASIONALLY", "note": "常熬夜"}',
       skin_profile = '{"type": "COMBINATION", "oiliness": "MEDIUM", "sensitivity": "HIGH", "concerns": ["毛孔粗大", "泛红"]}'
     where customer_id = any($1::uuid[])`,
    ids,
  );
  await client.query(
    `insert into allergy (id, organization_id, customer_id, recorded_at, substance, category, criticality, reaction, severity)
     select gen_random_uuid(), c.organization_id, c.id, c.created_at + n * interval '1 day', a.substance,
            a.category::allergy_category, 'LOW', a.reaction, a.severity::reaction_severity
       from customer c cross join generate_series(1, 2) n
       join (values (1, '薰衣草精油', 'ESSENTIAL_OIL', '皮肤红疹', 'MILD'), (2, '芒果', 'FOOD', '口周红肿', 'MODERATE'))
            as a(n, substance, category, reaction, severity) using (n)
      where c.id = any($1::uuid[])`,
    ids,
  );
  await client.query(
    `insert into medical_condition (id, organization_id, customer_id, recorded_at, condition, since, status)
     select gen_random_uuid(), c.organization_id, c.id, c.created_at + interval '2 days', '颈椎病', '2019-03-01', 'ACTIVE'
       from customer c where c.id = any($1::uuid[])`,
    ids,
  );
  // Post-surgery since 30 days: until 60 days from now for half of them, open-ended for the others.
  await client.query(
    `insert into special_condition (id, organization_id, customer_id, recorded_at, kind, description, starts_on, ends_on)
     select gen_random_uuid(), c.organization_id, c.id, c.created_at + interval '3 days', 'POST_SURGERY', '膝关节术后',
            current_date - 30, case when row_number() over (order by c.code) % 2 = 0 then current_date + 60 end
       from customer c where c.id = any($1::uuid[])`,
    ids,
  );
}
