import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { Client } from 'pg';
import pino from 'pino';
import { createErrorFormatter } from '../../src/server/error-formatter';
import { BadInputError, ConflictError } from '../../src/core/errors';
import { isDatabaseUnavailable } from '../../src/server/unavailable';
import {
  constraintErrorOf,
  withConstraintRules,
  withUniqueConflicts,
  type UniqueRule,
} from '../../src/services/constraint-errors';
import { createOrganization, type OrganizationFixture } from '../support/fixtures';
import { createTestApp, execute, type TestApp } from '../support/test-app';

let testApp: TestApp;
let org: OrganizationFixture;

beforeAll(async () => {
  testApp = await createTestApp();
  org = await createOrganization(testApp);
});
afterAll(() => testApp.close());

/** One statement as the runtime role, in a transaction that its error rolls back. */
const run = (sql: string, params: unknown[] = []) =>
  testApp.orm.em
    .fork()
    .transactional((em: EntityManager) =>
      em.getConnection().execute(sql, params, 'run', em.getTransactionContext()),
    );

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** What a client would be told for an error a resolver threw. */
function formatted(error: unknown) {
  const format = createErrorFormatter(pino({ level: 'silent' }), false);
  const thrown = new GraphQLError('resolver failed', {
    path: ['probe'],
    originalError: error as Error,
  });
  return format({ message: thrown.message, path: ['probe'] }, thrown);
}

const insertTag = (name: string | null, organizationId: string | null = org.organizationId) =>
  run(`insert into tag (id, organization_id, name) values (?, ?, ?)`, [randomUUID(), organizationId, name]);

describe('NOT NULL (23502)', () => {
  test('a null that reaches a NOT NULL column through the API is BAD_USER_INPUT naming the field', async () => {
    // No input of the API lets a null through to a NOT NULL column today; this stages one: allergy
    // reaction becomes required in the database only, so an allergy sent without one reaches 23502.
    await testApp.asOwner(`update allergy set reaction = '未记录' where reaction is null`);
    await testApp.asOwner(`alter table allergy alter column reaction set not null`);
    try {
      const result = await execute(
        testApp,
        org.tokens.MANAGER,
        `mutation($id: ID!) { addAllergy(customerId: $id, input: { substance: "茶树精油", category: COSMETIC }) { id } }`,
        { id: org.assigned.id },
      );
      expect(result.errors?.[0]).toMatchObject({
        message: 'reaction needs a value: send one instead of null.',
        extensions: { code: 'BAD_USER_INPUT', field: 'reaction', rule: 'required' },
      });
    } finally {
      await testApp.asOwner(`alter table allergy alter column reaction drop not null`);
    }
  });

  test('a real not_null_violation becomes BadInputError with the column as a camelCase field', async () => {
    const error = await rejection(insertTag('会员', null));
    expect(error).toMatchObject({ code: '23502', column: 'organization_id' });
    const worded = constraintErrorOf(error);
    expect(worded).toBeInstanceOf(BadInputError);
    expect(worded).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'organizationId', rule: 'required' },
    });
    // Services' wrappers word it the same way.
    await expect(withUniqueConflicts([], () => insertTag(null))).rejects.toBeInstanceOf(BadInputError);
    await expect(withConstraintRules([], () => insertTag(null))).rejects.toMatchObject({
      details: { field: 'name', rule: 'required' },
    });
  });
});

describe('named constraints', () => {
  const UNIQUE_NAME: UniqueRule = {
    constraint: 'tag_organization_id_name_unique',
    field: 'name',
    reason: 'DUPLICATE_NAME',
    message: 'A tag with this name exists.',
  };

  test('a rule words the violation of its constraint; other violations pass unchanged to an outer rule', async () => {
    await testApp.asOwner(`insert into tag (id, organization_id, name) values ($1, $2, '常客')`, [
      randomUUID(),
      org.organizationId,
    ]);
    const duplicate = await rejection(insertTag('常客'));
    expect(duplicate).toMatchObject({ code: '23505', constraint: 'tag_organization_id_name_unique' });

    const otherRule = {
      constraint: 'visit_appointment_id_unique',
      error: () => new ConflictError('never', { reason: 'DUPLICATE' }),
    };
    await expect(withConstraintRules([otherRule], () => insertTag('常客'))).rejects.toMatchObject({
      code: '23505',
      constraint: 'tag_organization_id_name_unique',
    });
    // As visit recording nests them: the inner rules do not match, the outer one words it.
    await expect(
      withUniqueConflicts([UNIQUE_NAME], () => withConstraintRules([otherRule], () => insertTag('常客'))),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'A tag with this name exists.',
      details: { field: 'name', reason: 'DUPLICATE_NAME' },
    });
    // A unique violation no rule names is still CONFLICT DUPLICATE for the record's writes.
    await expect(withUniqueConflicts([], () => insertTag('常客'))).rejects.toMatchObject({
      details: { reason: 'DUPLICATE' },
    });
    // The formatter does not guess: an unworded unique violation stays unexpected.
    expect(formatted(duplicate).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(constraintErrorOf(duplicate, [UNIQUE_NAME])).toBeInstanceOf(ConflictError);
  });
});

describe('object_not_in_prerequisite_state (55000)', () => {
  test('raised by a statement it is an internal error, not 503 SERVICE_UNAVAILABLE', async () => {
    // A sequence of this session, never advanced: its currval is "not yet defined in this session".
    const unadvanced = await rejection(
      testApp.orm.em.fork().transactional(async (em: EntityManager) => {
        const context = em.getTransactionContext();
        await em
          .getConnection()
          .execute(`create temporary sequence constraint_errors_probe`, [], 'run', context);
        await em.getConnection().execute(`select currval('constraint_errors_probe')`, [], 'all', context);
      }),
    );
    expect(unadvanced).toMatchObject({ code: '55000', severity: 'ERROR' });
    expect(isDatabaseUnavailable(unadvanced)).toBe(false);
    const answer = formatted(unadvanced);
    expect(answer.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(answer.extensions).not.toHaveProperty('retryable');
  });

  test('as the answer to a new connection (a database that allows none) it is unavailable', async () => {
    // template0 has ALLOW_CONNECTIONS false: what an operator sets on the app's database for maintenance.
    const url = new URL(testApp.url);
    url.pathname = '/template0';
    const client = new Client({ connectionString: url.toString() });
    const refused = await client.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    await client.end().catch(() => undefined);
    expect(refused).toMatchObject({ code: '55000', severity: 'FATAL' });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(formatted(refused).extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
  });
});
