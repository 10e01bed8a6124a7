import type { ErrorCode } from './errors';
import { BAD_INPUT_REASONS, BAD_INPUT_RULES, CONFLICT_REASONS } from './error-reasons';

/** Codes answered outside the domain errors: by Apollo, graphql-js and the HTTP layer. */
type TransportCode =
  'SERVICE_UNAVAILABLE' | 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED' | 'BAD_REQUEST';

/** Every `extensions.code` a client can get, with what else the error carries; a code missing here does not compile. */
const CODES: Record<ErrorCode | TransportCode, string> = {
  UNAUTHENTICATED:
    'No credential, one that is invalid, expired or revoked, or a wrong email or password at login.',
  FORBIDDEN:
    'The role (or API key scope) may not do this; a field the role may not read is null with FORBIDDEN at its path.',
  BAD_USER_INPUT:
    '`field` and `rule` (below); schema validation instead lists `fields: [{ field, rule, message }]` with class-validator constraint names (`isLength`, `maxLength`, `min`, `max`, `matches`, `isUuid` …). Nothing was changed.',
  NOT_FOUND: '`entity` and `id`: no such record in your organization.',
  CONFLICT: '`reason` (below); some add `field`, `currentVersion`, `accountId` or `services`.',
  INSUFFICIENT_BALANCE:
    '`accountId`, `balance`, `requested`: not enough stored value, points or uses; nothing was posted.',
  IDEMPOTENCY_KEY_REUSED: '`idempotencyKey`: the key was used before with different input.',
  RATE_LIMITED:
    'HTTP 429 with `retryAfterSeconds` and Retry-After: a throttled login, or a query cost over the budget per minute (`cost`, `limit`, `remaining`).',
  SERVICE_UNAVAILABLE:
    'HTTP 503 with `retryable`, `retryAfterSeconds` and Retry-After: the database cannot be reached.',
  GRAPHQL_PARSE_FAILED: 'HTTP 400: the document does not parse, or has more than 2,000 tokens.',
  GRAPHQL_VALIDATION_FAILED:
    'HTTP 400: the document does not fit the schema or the depth and alias limits, or costs more than the limit (`cost`, `maxCost`).',
  BAD_REQUEST: 'HTTP 400 or 413: the HTTP request itself is malformed or too large.',
  INTERNAL_SERVER_ERROR:
    'A defect: the message carries nothing but the hint to quote the x-request-id header.',
};

function table(heading: string, column: string, entries: Record<string, string>): string[] {
  return [
    heading,
    '',
    `| ${column} | when |`,
    '| --- | --- |',
    ...Object.entries(entries).map(([key, when]) => `| \`${key}\` | ${when} |`),
    '',
  ];
}

/** docs/errors.md, generated from error-reasons.ts so the documented reasons cannot drift from the code. */
export function renderErrorReference(): string {
  return [
    '# Errors (generated)',
    '',
    'Generated from `src/core/error-reasons.ts` and `src/core/error-docs.ts` by `npm run docs`; a test',
    '(`test/architecture/error-reasons.test.ts`) fails when it is out of date or when the code answers a',
    'reason or rule that is not listed. Every GraphQL error has `extensions.code`; CONFLICT adds',
    '`extensions.reason` and BAD_USER_INPUT `extensions.field` and `extensions.rule`. Codes, reasons and',
    'rules are a contract: branch on them, never on the message (English, may change).',
    '',
    ...table('## Codes (`extensions.code`)', 'code', CODES),
    ...table('## CONFLICT reasons (`extensions.reason`)', 'reason', CONFLICT_REASONS),
    ...table('## BAD_USER_INPUT rules (`extensions.rule`, with `extensions.field`)', 'rule', BAD_INPUT_RULES),
    ...table(
      '## BAD_USER_INPUT reasons (`extensions.reason`, next to the rule)',
      'reason',
      BAD_INPUT_REASONS,
    ),
  ].join('\n');
}
