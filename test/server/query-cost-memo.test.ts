import { parse } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { buildContractSchema } from '../../src/server/build-schema';
import { queryCost } from '../../src/server/query-cost';

jest.mock('graphql-query-complexity', () => {
  const actual = jest.requireActual('graphql-query-complexity');
  return { ...actual, getComplexity: jest.fn(actual.getComplexity) };
});

/**
 * The cost of a parsed query is kept per document (Apollo keeps parsed documents) and per the
 * variables a cost can depend on. Variables that cannot change it (or that the operation does not
 * declare) make no new entry: the memo sits outside what Apollo's document store counts, and an
 * anonymous caller with ~1 KB of junk variables per request grew the heap 185 times faster than the
 * store's own measure (review of issue 12).
 */
test('variables that cannot change the cost make no new memo entry; a page size is another cost', async () => {
  const schema = await buildContractSchema();
  const document = parse(
    `query($n: Int, $term: String) { customers(first: $n, filter: { search: $term }) { edges { node { id } } } }`,
  );
  const compute = getComplexity as jest.Mock;
  compute.mockClear();
  const small = queryCost(schema, document, { n: 2, junk: 'a'.repeat(900) }, undefined);
  expect(queryCost(schema, document, { n: 2, junk: 'b'.repeat(900), term: '张' }, undefined)).toBe(small);
  expect(queryCost(schema, document, { n: 2 }, undefined)).toBe(small);
  expect(compute).toHaveBeenCalledTimes(1);
  expect(queryCost(schema, document, { n: 50 }, undefined)).toBeGreaterThan(small);
  expect(compute).toHaveBeenCalledTimes(2);
});
