import { parse, type GraphQLObjectType, type OperationDefinitionNode } from 'graphql';
import { Role } from '../../src/entities/access/access.enums';
import { finishText, type HealthRead, type Marks } from '../../src/server/compiled-read/finish-read';
import { ReadCompiler } from '../../src/server/compiled-read/compile-read';
import { MARK_TEXT } from '../../src/server/compiled-read/read-marks';
import { buildExecutableSchema } from '../../src/server/build-schema';
import type { Viewer } from '../../src/core/viewer';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DirectoryNames } from '../../src/services/read/directory-names';

/**
 * finish-read.ts completes the json text PostgreSQL built by its marks (read-marks.ts) without
 * parsing it. A mark it cannot complete, and the fallback mark (e.g. a customer who withdrew
 * consent), send the query to graphql-js (undefined), never the text; text that only looks like a
 * mark is data and stays.
 */
const marks: Marks = {
  health: [['allergies', 'notes']],
  sealedJson: [],
  names: [
    {
      kind: 'services',
      typeName: 'ServiceItem',
      members: [
        { key: 'title', name: 'name' },
        { key: '__typename', name: '__typename' },
      ],
    },
  ],
};
const directory: DirectoryNames = {
  services: new Map([['s-1', { id: 's-1', code: 'S1', name: '肩颈"推拿"', category: '推拿' }]]),
  staff: new Map(),
};
const member = (body: string) => `, ${MARK_TEXT}${body}" : null`;

test('a health mark records its fields for its customer and leaves the object as graphql-js writes it', () => {
  const reads: HealthRead[] = [];
  const text = `{"profile" : {"notes" : null${member('h0:c-1')}}}`;
  expect(finishText(text, marks, reads)).toBe('{"profile" : {"notes" : null}}');
  expect(reads).toEqual([
    { customerId: 'c-1', field: 'allergies' },
    { customerId: 'c-1', field: 'notes' },
  ]);
});

test('a name mark prints its directory row with the selected members, escaped, in selection order', () => {
  const text = `{"service" : ${MARK_TEXT}d0:s-1", "n" : 1}`;
  expect(finishText(text, marks, [], directory)).toBe(
    '{"service" : {"title":"肩颈\\"推拿\\"","__typename":"ServiceItem"}, "n" : 1}',
  );
  expect(JSON.parse(finishText(text, marks, [], directory)!)).toEqual({
    service: { title: '肩颈"推拿"', __typename: 'ServiceItem' },
    n: 1,
  });
});

test('a name mark whose row the directory lacks (made since it was read), or without a directory, goes to graphql-js', () => {
  expect(finishText(`{"service" : ${MARK_TEXT}d0:s-2"}`, marks, [], directory)).toBeUndefined();
  expect(finishText(`{"service" : ${MARK_TEXT}d0:s-1"}`, marks, [])).toBeUndefined();
  expect(finishText(`{"service" : ${MARK_TEXT}d5:s-1"}`, marks, [], directory)).toBeUndefined();
});

test('a fallback value (a customer the role may not read by role, …) and marks it does not know go to graphql-js', () => {
  for (const text of [
    `{"edges" : [{"node" : ${MARK_TEXT}x"}]}`,
    `{"notes" : null${member('wfalse')}}`,
    `{"customer" : ${MARK_TEXT}x"}`,
    `{"notes" : null${member('h7:c-1')}}`,
    `{"notes" : null${member('q')}}`,
    `{${MARK_TEXT}h0:c-1" : null}`,
    `{"notes" : ${MARK_TEXT}j0:abc"}`,
  ])
    expect(finishText(text, marks, [])).toBeUndefined();
});

test('stored text that looks like a mark, without the process secret, is data', () => {
  const text = '{"name" : "#customer", "note" : "\\"#s.v1.abc\\" : null", "tag" : "#h0:c-1"}';
  const reads: HealthRead[] = [];
  expect(finishText(text, marks, reads)).toBe(text);
  expect(reads).toEqual([]);
});

test('health read by role is compiled only inside its own Customer: none above, or another type between, is not', async () => {
  const schema = await buildExecutableSchema({ debug: false });
  const selection = (query: string) =>
    [
      {
        selectionSet: {
          selections: (parse(query).definitions[0] as OperationDefinitionNode).selectionSet.selections,
        },
      },
    ] as never;
  const profile = schema.getType('HealthProfile') as GraphQLObjectType;
  const allergy = schema.getType('Allergy') as GraphQLObjectType;
  const customer = schema.getType('Customer') as GraphQLObjectType;
  for (const role of [Role.MANAGER, Role.CONSULTANT, Role.THERAPIST]) {
    const viewer = {
      role,
      organizationId: '00000000-0000-4000-8000-000000000001',
      userId: '00000000-0000-4000-8000-000000000002',
    } as Viewer;
    const compiler = new ReadCompiler(schema, {} as EntityManager, viewer, {}, {});
    const compiles = (path: string[], type: GraphQLObjectType, query: string) => {
      compiler.startRoot();
      for (const typeName of path) compiler.enter(typeName);
      try {
        return compiler.fields(type, selection(query), []) !== undefined;
      } finally {
        for (const _typeName of path) compiler.leave();
      }
    };
    // Its own customer's profile and records, and the Customer's own health field.
    expect(compiles(['Customer', 'HealthProfile'], profile, '{ allergies { substance } }')).toBe(true);
    expect(compiles(['Customer', 'HealthProfile', 'Allergy'], allergy, '{ substance }')).toBe(true);
    expect(compiles(['Customer'], customer, '{ healthProfile { id } }')).toBe(true);
    // No Customer above, or a type between that may reach another customer's records.
    expect(compiles(['HealthProfile'], profile, '{ allergies { substance } }')).toBe(false);
    expect(
      compiles(['Customer', 'Appointment', 'HealthProfile'], profile, '{ allergies { substance } }'),
    ).toBe(false);
    expect(compiles(['Customer', 'Visit', 'Allergy'], allergy, '{ substance }')).toBe(false);
    // Fields no customer's row decides are compiled anywhere.
    expect(compiles(['Customer', 'Appointment', 'Customer'], customer, '{ id name }')).toBe(true);
  }
  // The OWNER reads health whatever the row: no Customer needed, nothing to test on it.
  const owner = new ReadCompiler(
    schema,
    {} as EntityManager,
    { role: Role.OWNER, organizationId: '00000000-0000-4000-8000-000000000001' } as Viewer,
    {},
    {},
  );
  owner.startRoot();
  expect(owner.fields(profile, selection('{ notes }'), [])).toBeDefined();
  expect(owner.consentWithoutCustomer).toBe(false);
});
