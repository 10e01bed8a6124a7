import { buildContractSchema } from '../../src/server/build-schema';
import { policies } from '../../src/policies';
import { fieldsThatCannotDeny } from '../../src/policies/unshielded-fields';
import { AUDITED_HEALTH_FIELDS } from '../../src/server/audit.middleware';

let unshielded: Set<string>;

beforeAll(async () => {
  const schema = await buildContractSchema();
  unshielded = new Set(
    fieldsThatCannotDeny(schema, policies).map(({ typeName, fieldName }) => `${typeName}.${fieldName}`),
  );
});

test('the shield is left out only for role-only rules that allow everyone able to hold the parent', () => {
  expect(unshielded.size).toBeGreaterThan(100);
  for (const name of unshielded) {
    const [typeName, fieldName] = name.split('.');
    expect(['Query', 'Mutation']).not.toContain(typeName);
    expect(policies[typeName][fieldName].readsOnlyRole).toBe(true);
  }
  // Scalars of records every reader of the type may read: the shield could only answer true.
  for (const name of [
    'Customer.name',
    'Visit.visitedAt',
    'CustomerEdge.node',
    'Money.amount',
    'PageInfo.endCursor',
  ])
    expect(unshielded).toContain(name);
});

test('health data, contact fields, money hidden from therapists and scoped writes stay shielded', () => {
  for (const field of AUDITED_HEALTH_FIELDS) expect(unshielded).not.toContain(`HealthProfile.${field}`);
  for (const name of [
    'Customer.healthProfile',
    'Customer.hasHealthAlerts',
    'Customer.phone',
    'Customer.email',
    // A therapist reaches Customer and VisitLine but may not read these.
    'Customer.birthday',
    'Customer.lifetimeSpend',
    'VisitLine.listPrice',
    'Visit.conditionNotes',
    'Allergy.substance',
    'Query.customers',
    'Mutation.settleVisit',
  ])
    expect(unshielded).not.toContain(name);
});
