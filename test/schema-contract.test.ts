import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isObjectType, printSchema } from 'graphql';
import { policies } from '../src/policies';
import { renderAccessMatrix } from '../src/policies/access-matrix';
import { buildContractSchema } from '../src/schema/build-schema';

const root = path.resolve(__dirname, '..');

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
