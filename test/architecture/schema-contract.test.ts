import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isNonNullType, isObjectType, printSchema } from 'graphql';
import { Role } from '../../src/entities/access/access.enums';
import { policies } from '../../src/policies';
import { renderAccessMatrix } from '../../src/policies/access-matrix';
import { buildContractSchema } from '../../src/server/build-schema';

const root = path.resolve(__dirname, '../..');

test('every field of every object type has an explicit policy (deny by default hides the rest)', async () => {
  const schema = await buildContractSchema();
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const fieldName of Object.keys(type.getFields())) {
      if (!policies[type.name]?.[fieldName]) missing.push(`${type.name}.${fieldName}`);
    }
  }
  expect(missing).toEqual([]);
});

test('the policy map names no field that does not exist (no stale rules)', async () => {
  const schema = await buildContractSchema();
  const stale = Object.entries(policies).flatMap(([typeName, fields]) => {
    const type = schema.getType(typeName);
    return Object.keys(fields)
      .filter((fieldName) => !isObjectType(type) || !type.getFields()[fieldName])
      .map((fieldName) => `${typeName}.${fieldName}`);
  });
  expect(stale).toEqual([]);
});

test('schema.graphql is current (run `npm run docs` after changing the schema)', async () => {
  const printed = `${printSchema(await buildContractSchema())}\n`;
  expect(readFileSync(path.join(root, 'schema.graphql'), 'utf8')).toBe(printed);
});

test('docs/access-matrix.md is current (run `npm run docs` after changing a policy)', () => {
  expect(readFileSync(path.join(root, 'docs', 'access-matrix.md'), 'utf8')).toBe(renderAccessMatrix());
});

test('a field some reader of its type may be denied is nullable, so denial nulls only that field', async () => {
  const schema = await buildContractSchema();
  const roles = ['ANONYMOUS' as const, ...Object.values(Role)];
  const offending: string[] = [];
  for (const [typeName, fields] of Object.entries(policies)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type) || typeName === 'Query' || typeName === 'Mutation') continue;
    const readers = roles.filter((role) =>
      Object.values(fields).some((fieldGrant) => fieldGrant.conditionFor(role) !== 'NEVER'),
    );
    const order = [
      'ALWAYS',
      'ASSIGNED_OR_GRANTED',
      'SERVED_OR_GRANTED',
      'ASSIGNED_CUSTOMERS',
      'SERVED_CUSTOMERS',
      'CONSENTED_CUSTOMERS',
      'GRANTED',
      'NEVER',
    ];
    // The widest access a role has to any field of the type: a field narrower than that can be denied alone.
    const widest = (role: (typeof roles)[number]) =>
      Object.values(fields)
        .map((fieldGrant) => fieldGrant.conditionFor(role))
        .sort((a, b) => order.indexOf(a) - order.indexOf(b))[0];
    for (const [fieldName, fieldGrant] of Object.entries(fields)) {
      const deniable = readers.some((role) => fieldGrant.conditionFor(role) !== widest(role));
      if (deniable && isNonNullType(type.getFields()[fieldName].type))
        offending.push(`${typeName}.${fieldName}`);
    }
  }
  expect(offending).toEqual([]);
});
