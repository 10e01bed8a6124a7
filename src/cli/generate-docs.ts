/** Writes schema.graphql and docs/access-matrix.md from the code: `npm run docs`. */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { printSchema } from 'graphql';
import { projectRoot } from '../mikro-orm.config';
import { renderAccessMatrix } from '../policies/access-matrix';
import { buildContractSchema } from '../server/build-schema';

async function main() {
  const schema = await buildContractSchema();
  writeFileSync(path.join(projectRoot, 'schema.graphql'), `${printSchema(schema)}\n`);
  mkdirSync(path.join(projectRoot, 'docs'), { recursive: true });
  writeFileSync(path.join(projectRoot, 'docs', 'access-matrix.md'), renderAccessMatrix());
  console.log('wrote schema.graphql and docs/access-matrix.md');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
