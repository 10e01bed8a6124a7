import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { renderErrorReference } from '../../src/core/error-docs';
import { BAD_INPUT_REASONS, BAD_INPUT_RULES, CONFLICT_REASONS } from '../../src/core/error-reasons';
import { BadInputError, ConflictError } from '../../src/core/errors';

/**
 * CONFLICT reasons and BAD_USER_INPUT rules are a contract (POS vendors branch on them): the compiler
 * refuses a reason or rule outside src/core/error-reasons.ts where the error classes are used, and this
 * scan covers what the compiler cannot see (a GraphQLError built by hand, a detail object of its own).
 */
const root = path.resolve(__dirname, '../..');
const src = path.join(root, 'src');

/** `reason` strings that are no error's: the readiness probe's JSON body. */
const NOT_ERRORS = new Set(['src/server/http.ts: reason database not reachable']);

interface Answered {
  kind: 'reason' | 'rule';
  value: string;
  where: string;
}

/** The string literals an expression can evaluate to (through `a ? 'X' : 'Y'`, `as`, parentheses). */
function literalsOf(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isConditionalExpression(node)) return [...literalsOf(node.whenTrue), ...literalsOf(node.whenFalse)];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node))
    return literalsOf(node.expression);
  return [];
}

/** The string literal members of a type (`'A' | 'B'`). */
function literalTypesOf(node: ts.TypeNode): string[] {
  if (ts.isUnionTypeNode(node)) return node.types.flatMap(literalTypesOf);
  if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) return [node.literal.text];
  return [];
}

/**
 * Every reason or rule literal a source file can answer: `reason:` / `rule:` properties (values, and
 * literal types of property signatures) and the rule argument of `new BadInputError(…)`.
 */
export function answeredIn(file: string, text: string): Answered[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: Answered[] = [];
  const add = (kind: Answered['kind'], values: string[], node: ts.Node) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    for (const value of values) found.push({ kind, value, where: `${path.relative(root, file)}:${line}` });
  };
  const kindOf = (name: ts.PropertyName): Answered['kind'] | undefined => {
    const text = ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
    return text === 'reason' || text === 'rule' ? text : undefined;
  };
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAssignment(node) && kindOf(node.name))
      add(kindOf(node.name)!, literalsOf(node.initializer), node);
    if (ts.isPropertySignature(node) && node.type && kindOf(node.name))
      add(kindOf(node.name)!, literalTypesOf(node.type), node);
    if (
      ts.isNewExpression(node) &&
      node.expression.getText(source) === 'BadInputError' &&
      node.arguments?.[1]
    )
      add('rule', literalsOf(node.arguments[1]), node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter(
    ({ kind, value, where }) => !NOT_ERRORS.has(`${where.split(':')[0]}: ${kind} ${value}`),
  );
}

const REASONS = new Set<string>([...Object.keys(CONFLICT_REASONS), ...Object.keys(BAD_INPUT_REASONS)]);
const RULES = new Set<string>(Object.keys(BAD_INPUT_RULES));

function unlisted(answered: Answered[]): string[] {
  return answered
    .filter(({ kind, value }) => !(kind === 'reason' ? REASONS : RULES).has(value))
    .map(({ kind, value, where }) => `${where}: ${kind} ${value}`);
}

/** Demo data and migrations answer no request (a seeder's `reason:` is a stock movement's). */
const ANSWER_NOTHING = ['migrations', 'seeders'];

function answeredBySources(): Answered[] {
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !ANSWER_NOTHING.includes(file.split(path.sep)[0]))
    .filter((file) => path.join('src', file) !== path.join('src', 'core', 'error-reasons.ts'))
    .flatMap((file) => answeredIn(path.join(src, file), readFileSync(path.join(src, file), 'utf8')));
}

test('every reason and rule the sources answer is listed in src/core/error-reasons.ts', () => {
  expect(unlisted(answeredBySources())).toEqual([]);
});

test('every listed reason and rule is answered somewhere (no stale entries in the contract)', () => {
  const answered = answeredBySources();
  const seen = (kind: Answered['kind'], value: string) =>
    answered.some((entry) => entry.kind === kind && entry.value === value);
  const stale = [
    ...[...REASONS].filter((reason) => !seen('reason', reason)).map((reason) => `reason ${reason}`),
    ...[...RULES].filter((rule) => !seen('rule', rule)).map((rule) => `rule ${rule}`),
  ];
  expect(stale).toEqual([]);
});

test('docs/errors.md is current (run `npm run docs` after changing a reason or rule)', () => {
  expect(readFileSync(path.join(root, 'docs', 'errors.md'), 'utf8')).toBe(renderErrorReference());
});

test('the scan finds a reason or rule outside the lists', () => {
  const file = path.join(src, 'services', 'customers', 'customer.service.ts');
  const snippet = [
    "throw new ConflictError('Taken.', { reason: 'NAME_TAKEN' });",
    "throw new BadInputError('name', long ? 'tooLong' : 'required', 'Too long.');",
    "throw new GraphQLError('No.', { extensions: { code: 'BAD_USER_INPUT', rule: 'NO_EMOJI' } });",
    "type Problem = { rule: 'NUL_CHARACTER' | 'TAB_CHARACTER' };",
    "const refused = { reason: 'STALE_VERSION', rule: 'required' };",
  ].join('\n');
  expect(unlisted(answeredIn(file, snippet))).toEqual([
    'src/services/customers/customer.service.ts:1: reason NAME_TAKEN',
    'src/services/customers/customer.service.ts:2: rule tooLong',
    'src/services/customers/customer.service.ts:3: rule NO_EMOJI',
    'src/services/customers/customer.service.ts:4: rule TAB_CHARACTER',
  ]);
});

test('a reason or rule outside the lists does not compile (npm run typecheck checks the expectations)', () => {
  // @ts-expect-error NAME_TAKEN is no ConflictReason
  const conflict = new ConflictError('Taken.', { reason: 'NAME_TAKEN' });
  // @ts-expect-error a CONFLICT always names its reason
  const bare = new ConflictError('Taken.', {});
  // @ts-expect-error tooLong is no BadInputRule
  const badInput = new BadInputError('name', 'tooLong', 'Too long.');
  // The classes still pass whatever they are given: the contract is kept by the compiler and the scan.
  expect([conflict.details, bare.details, badInput.details]).toEqual([
    { reason: 'NAME_TAKEN' },
    {},
    { field: 'name', rule: 'tooLong' },
  ]);
});
