import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layout's one-way imports (docs/layout.md), checked over every source file:
 * server → resolvers → services → core/entities; policies read core and entities only; nothing but the
 * composition root (server/, main.ts, worker.ts, cli/) imports server/.
 */
const root = path.resolve(__dirname, '../..');
const src = path.join(root, 'src');

type Layer =
  | 'core'
  | 'entities'
  | 'schema'
  | 'resolvers'
  | 'services'
  | 'policies'
  | 'server'
  | 'jobs'
  | 'seeders'
  | 'migrations'
  | 'cli'
  | 'entry'
  | 'orm-config';

/** Which layers each layer may import (itself always). */
const ALLOWED: Record<Layer, Layer[]> = {
  core: ['entities'],
  entities: ['core'],
  policies: ['core', 'entities'],
  schema: ['core', 'entities'],
  services: ['core', 'entities'],
  resolvers: ['schema', 'services', 'policies', 'core', 'entities'],
  jobs: ['services', 'core', 'entities', 'orm-config'],
  seeders: ['services', 'core', 'entities', 'orm-config'],
  migrations: [],
  server: ['resolvers', 'schema', 'services', 'policies', 'core', 'entities', 'orm-config'],
  // The ORM's configuration logs through the server's logger (it is read by the composition root).
  'orm-config': ['entities', 'server'],
  cli: ['server', 'resolvers', 'schema', 'services', 'policies', 'core', 'entities', 'seeders', 'orm-config'],
  entry: ['server', 'services', 'core', 'entities', 'jobs', 'seeders', 'orm-config'],
};

/** The feature folders; a layer has the ones it has code for, under the same names. */
const FEATURES = [
  'access',
  'audit',
  'booking',
  'care',
  'catalogue',
  'customers',
  'health',
  'health-access',
  'imports',
  'membership',
  'organization',
  'reports',
  'segments',
  'staff',
  'visits',
];
/** Folders that are a layer's own infrastructure, not a feature. */
const LAYER_FOLDERS: Record<string, string[]> = {
  services: ['read'],
  policies: ['rules'],
  core: ['paging', 'crypto'],
};

export function layerOf(file: string): Layer | undefined {
  const relative = path.relative(src, file).split(path.sep);
  if (relative[0] === '..') return undefined;
  if (relative.length === 1) {
    if (relative[0] === 'mikro-orm.config.ts') return 'orm-config';
    return 'entry';
  }
  return relative[0] as Layer;
}

interface Import {
  specifier: string;
  typeOnly: boolean;
}

function importsOf(file: string, text: string): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: Import[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnly(node) });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}

function resolve(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(`${path.relative(root, from)}: cannot resolve ${specifier}`);
}

/** Every rule broken by one file's imports, as "from → to: why". */
export function violations(file: string, text: string): string[] {
  const from = layerOf(file);
  if (!from) return [];
  const problems: string[] = [];
  const name = path.relative(root, file);
  for (const { specifier, typeOnly } of importsOf(file, text)) {
    if (!specifier.startsWith('.')) {
      if (specifier === 'type-graphql' && !['schema', 'resolvers', 'server'].includes(from))
        problems.push(`${name} → type-graphql: GraphQL types are declared in schema/ only`);
      continue;
    }
    const target = resolve(file, specifier);
    const to = layerOf(target);
    const targetName = path.relative(root, target);
    if (!to) {
      problems.push(`${name} → ${targetName}: src/ does not import outside src/`);
      continue;
    }
    if (targetName === 'src/entities/enums.ts' && name !== 'src/schema/enums.type.ts') {
      problems.push(`${name} → ${targetName}: import an enum from its feature's *.enums.ts`);
      continue;
    }
    if (to === from || ALLOWED[from].includes(to)) continue;
    // A service takes its arguments in the shape the schema declares: the input classes, as types only.
    if (from === 'services' && to === 'schema' && typeOnly && target.endsWith('.inputs.ts')) continue;
    problems.push(`${name} → ${targetName}: ${from}/ may not import ${to}/`);
  }
  return problems;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(folder, file));
}

test('imports flow one way: server → resolvers → services → core and entities', () => {
  const problems = sourceFiles(src).flatMap((file) => violations(file, readFileSync(file, 'utf8')));
  expect(problems).toEqual([]);
});

test('the check finds a broken rule', () => {
  const service = path.join(src, 'services', 'customers', 'customer.service.ts');
  const policy = path.join(src, 'policies', 'customers', 'customer.policy.ts');
  expect(violations(service, "import { createHttpServer } from '../../server/http';")).toEqual([
    'src/services/customers/customer.service.ts → src/server/http.ts: services/ may not import server/',
  ]);
  expect(
    violations(service, "import { CustomerType } from '../../schema/customers/customer.type';"),
  ).toHaveLength(1);
  // A value (not a type) from an input file is a runtime dependency on the schema.
  expect(
    violations(service, "import { CreateCustomerInput } from '../../schema/customers/customer.inputs';"),
  ).toHaveLength(1);
  expect(
    violations(service, "import type { CreateCustomerInput } from '../../schema/customers/customer.inputs';"),
  ).toEqual([]);
  expect(violations(service, "import { ObjectType } from 'type-graphql';")).toHaveLength(1);
  expect(violations(policy, "const loaders = import('../../services/read/loaders');")).toHaveLength(1);
  expect(violations(policy, "import { Role } from '../../entities/enums';")).toHaveLength(1);
  expect(violations(policy, "import { Role } from '../../entities/access/access.enums';")).toEqual([]);
});

test('every layer names its feature folders the same', () => {
  const unknown: string[] = [];
  for (const layer of ['entities', 'schema', 'resolvers', 'services', 'policies', 'core']) {
    for (const entry of readdirSync(path.join(src, layer), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (!FEATURES.includes(entry.name) && !(LAYER_FOLDERS[layer] ?? []).includes(entry.name))
        unknown.push(`${layer}/${entry.name}`);
    }
  }
  expect(unknown).toEqual([]);
});
