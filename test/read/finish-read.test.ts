import { finishRead } from '../../src/server/compiled-read/finish-read';

/**
 * finish-read.ts completes what PostgreSQL built. A health object read by role belongs to the
 * compiled Customer above it (its `#customer` mark): without one it can be neither audited nor
 * checked for a withdrawn consent, so graphql-js must answer (undefined), never the compiled data.
 */
test('health read by role without a customer above it goes to graphql-js', () => {
  const profile = { notes: null };
  expect(
    finishRead(
      { profile },
      {
        sealed: [],
        children: [
          { key: 'profile', list: false, finish: { sealed: [], children: [], healthReads: ['notes'] } },
        ],
      },
    ),
  ).toBeUndefined();
  expect(
    finishRead(
      { profile },
      {
        sealed: [],
        children: [{ key: 'profile', list: false, finish: { sealed: [], children: [], consentBound: true } }],
      },
    ),
  ).toBeUndefined();
});

test('under its customer the same read is audited for it, and a withdrawn consent goes to graphql-js', () => {
  const finish = (withdrawn: boolean) => ({
    data: { customer: { '#customer': ['c-1', withdrawn], profile: { notes: null } } },
    plan: {
      sealed: [],
      children: [
        {
          key: 'customer',
          list: false,
          finish: {
            sealed: [],
            children: [
              {
                key: 'profile',
                list: false,
                finish: { sealed: [], children: [], healthReads: ['notes'], consentBound: true },
              },
            ],
            customer: true,
            consentBound: true,
          },
        },
      ],
    },
  });
  const given = finish(false);
  expect(finishRead(given.data, given.plan)).toEqual([{ customerId: 'c-1', field: 'notes' }]);
  expect(given.data.customer).toEqual({ profile: { notes: null } });
  const withdrawn = finish(true);
  expect(finishRead(withdrawn.data, withdrawn.plan)).toBeUndefined();
});
