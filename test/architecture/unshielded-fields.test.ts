import type { GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import type { IRule } from 'graphql-shield';
import { Role } from '../../src/entities/access/access.enums';
import { buildContractSchema, buildExecutableSchema } from '../../src/server/build-schema';
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

describe('roles a grant always lets through', () => {
  const adversarialParents = [
    {},
    {
      id: '00000000-0000-4000-8000-000000000001',
      customer: { id: '00000000-0000-4000-8000-000000000001' },
      assignedConsultant: { id: '00000000-0000-4000-8000-0000000000ff' },
      assignedTherapist: { id: '00000000-0000-4000-8000-0000000000ff' },
      doNotContact: true,
      healthConsentWithdrawnAt: new Date(),
    },
  ];
  // Anything a rule might look up for a role it does not let through at once fails the test.
  const untouchable = new Proxy(
    {},
    {
      get: (_target, property) => {
        throw new Error(`the rule read context.${String(property)}`);
      },
    },
  );
  const viewers = (role: Role) => [
    { kind: 'USER', id: 'u', userId: 'u', role, organizationId: 'o', scopes: [] },
    { kind: 'API_KEY', id: 'k', role, organizationId: 'o', scopes: [] },
  ];

  test('each is answered true by the rule itself, whatever the parent, the args and the scopes', async () => {
    let checked = 0;
    for (const [typeName, grants] of Object.entries(policies)) {
      for (const [fieldName, fieldGrant] of Object.entries(grants)) {
        for (const role of fieldGrant.alwaysFor ?? []) {
          for (const viewer of viewers(role)) {
            for (const parent of adversarialParents) {
              const context = { viewer, loaders: untouchable, em: untouchable, _shield: { cache: {} } };
              const answer = await (fieldGrant.rule as IRule).resolve(
                parent,
                { first: 100, id: 'x' },
                context,
                {} as GraphQLResolveInfo,
                { debug: true, allowExternalErrors: true } as Parameters<IRule['resolve']>[4],
              );
              if (answer !== true) throw new Error(`${typeName}.${fieldName} for ${role}: ${String(answer)}`);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  test('health grants let nobody through without asking (consent withdrawal binds every role but OWNER)', () => {
    for (const field of AUDITED_HEALTH_FIELDS)
      expect(policies.HealthProfile[field].alwaysFor ?? []).toEqual([]);
    expect(policies.Customer.healthProfile.alwaysFor ?? []).toEqual([]);
    expect(policies.Allergy.substance.alwaysFor ?? []).toEqual([]);
    expect(policies.Visit.conditionNotes.alwaysFor ?? []).toEqual([]);
  });

  test('the field resolves at once for those roles and through the shield for the others', async () => {
    const schema = await buildExecutableSchema({ debug: false });
    const displayName = (schema.getType('StaffMember') as GraphQLObjectType).getFields().displayName;
    const call = (role: Role) =>
      displayName.resolve!(
        { id: 'u', displayName: '王技师' },
        {},
        { viewer: viewers(role)[0], _shield: { cache: {} } },
        { fieldName: 'displayName', path: { key: 'displayName' } } as unknown as GraphQLResolveInfo,
      );
    expect(policies.StaffMember.displayName.alwaysFor).toContain(Role.MANAGER);
    expect(policies.StaffMember.displayName.alwaysFor).not.toContain(Role.INTEGRATION);
    const direct = call(Role.MANAGER);
    expect(direct).toBe('王技师');
    const shielded = call(Role.INTEGRATION);
    expect(shielded).toBeInstanceOf(Promise);
    await expect(shielded).resolves.toBeInstanceOf(Error);
  });
});
