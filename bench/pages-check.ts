/**
 * Checks run before any timing in bench/pages.bench.ts: the floor's JSON must be the GraphQL `data`,
 * key order included (both serialize the query's selection in order), and the pages must show what
 * was loaded.
 */

const describe = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

/** The path and both values of the first place where `expected` and `actual` differ, else undefined. */
export function firstDifference(expected: unknown, actual: unknown, path = 'data'): string | undefined {
  if (expected === actual) return undefined;
  const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
  if (kind(expected) !== kind(actual) || kind(expected) !== 'object') {
    if (kind(expected) === 'array' && kind(actual) === 'array') {
      const [left, right] = [expected as unknown[], actual as unknown[]];
      for (let index = 0; index < Math.max(left.length, right.length); index++) {
        if (index >= left.length || index >= right.length)
          return `${path}: ${left.length} items in GraphQL, ${right.length} in the floor`;
        const difference = firstDifference(left[index], right[index], `${path}[${index}]`);
        if (difference) return difference;
      }
      return undefined;
    }
    return `${path}: GraphQL ${describe(expected)}, floor ${describe(actual)}`;
  }
  const [left, right] = [expected as Record<string, unknown>, actual as Record<string, unknown>];
  const [leftKeys, rightKeys] = [Object.keys(left), Object.keys(right)];
  for (let index = 0; index < Math.max(leftKeys.length, rightKeys.length); index++) {
    if (leftKeys[index] !== rightKeys[index])
      return `${path}: keys differ at position ${index}: GraphQL ${describe(leftKeys)}, floor ${describe(rightKeys)}`;
    const key = leftKeys[index];
    const difference = firstDifference(left[key], right[key], `${path}.${key}`);
    if (difference) return difference;
  }
  return undefined;
}

export class CheckFailed extends Error {}

export function check(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailed(message);
}

/** What the 360 page of one customer must list, counted in SQL from the loaded rows. */
export interface Expected360 {
  visits: number;
  communications: number;
  openCareTasks: number;
  tags: number;
  accounts: number;
  tierChanges: number;
  appointments: number;
  ledgerEntries: number;
}

export const EXPECTED_360_SQL = `
  select c.id,
    (select count(*) from visit v where v.customer_id = c.id)::int as visits,
    (select count(*) from communication_entry e where e.customer_id = c.id)::int as communications,
    (select count(*) from care_task k where k.customer_id = c.id and k.status = 'OPEN')::int as "openCareTasks",
    (select count(*) from customer_tag t where t.customer_id = c.id)::int as tags,
    (select count(*) from account a where a.customer_id = c.id)::int as accounts,
    (select count(*) from tier_change x where x.customer_id = c.id)::int as "tierChanges",
    (select count(*) from appointment p where p.customer_id = c.id)::int as appointments,
    (select count(*) from ledger_entry g where g.customer_id = c.id)::int as "ledgerEntries"
  from customer c where c.id = any($1::uuid[])`;

export function check360(id: string, data: Record<string, any>, expected: Expected360): void {
  const customer = data.customer;
  const where = `customer(id: "${id}")`;
  check(customer?.id === id, `${where}: returned ${customer?.id}`);
  check(
    customer.visits.totalCount === expected.visits,
    `${where}: visits.totalCount ${customer.visits.totalCount}, loaded ${expected.visits}`,
  );
  check(
    customer.visits.edges.length === Math.min(20, expected.visits),
    `${where}: ${customer.visits.edges.length} visits on the page`,
  );
  check(
    customer.communications.totalCount === expected.communications,
    `${where}: communications.totalCount`,
  );
  check(
    customer.communications.edges.length === Math.min(10, expected.communications),
    `${where}: communications page`,
  );
  check(
    data.careTasks.totalCount === expected.openCareTasks,
    `${where}: careTasks.totalCount ${data.careTasks.totalCount}`,
  );
  check(
    customer.tags.length === expected.tags,
    `${where}: ${customer.tags.length} tags, loaded ${expected.tags}`,
  );
  check(customer.accounts.length === expected.accounts, `${where}: ${customer.accounts.length} accounts`);
  check(
    customer.tierHistory.length === expected.tierChanges,
    `${where}: ${customer.tierHistory.length} tier changes`,
  );
  check(
    customer.appointments.edges.length === Math.min(10, expected.appointments),
    `${where}: appointments page`,
  );
  check(data.ledgerEntries.edges.length === Math.min(10, expected.ledgerEntries), `${where}: ledger page`);
  check(customer.healthProfile?.allergies.length > 0, `${where}: no allergies on the page`);
}
