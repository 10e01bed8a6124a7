/** Writes schema.graphql, docs/access-matrix.md and docs/errors.md from the code: `npm run docs`. */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { printSchema } from 'graphql';
import { renderErrorReference } from '../core/error-docs';
import { projectRoot } from '../mikro-orm.config';
import { renderAccessMatrix } from '../policies/access-matrix';
import { buildContractSchema } from '../server/build-schema';

async function main() {
  const schema = await buildContractSchema();
  writeFileSync(path.join(projectRoot, 'schema.graphql'), `${printSchema(schema)}\n`);
  mkdirSync(path.join(projectRoot, 'docs'), { recursive: true });
  writeFileSync(path.join(projectRoot, 'docs', 'access-matrix.md'), renderAccessMatrix());
  writeFileSync(path.join(projectRoot, 'docs', 'errors.md'), renderErrorReference());
  console.log('wrote schema.graphql, docs/access-matrix.md and docs/errors.md');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
