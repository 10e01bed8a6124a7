import type { GraphQLResolveInfo } from 'graphql';
import type { AppContext } from './context';

/** Health fields whose reads are audited (the field names land in audit_event.fields). */
export const AUDITED_HEALTH_FIELDS = [
  'allergies',
  'specialConditions',
  'medicalHistory',
  'constitution',
  'secondaryConstitutions',
  'lifestyle',
  'skinProfile',
  'currentComplaints',
  'wellnessGoals',
  'notes',
] as const;

/**
 * Runs inside the shield: it only sees reads the policy allowed, and records them after the value
 * was resolved. The rows are written once per request by the audit plugin.
 */
type Resolve = (parent: unknown, args: unknown, context: AppContext, info: GraphQLResolveInfo) => unknown;

/** graphql-middleware passes a plain value through; its typings ask every middleware for a promise. */
type SyncOrAsyncMiddleware = (
  resolve: Resolve,
  parent: unknown,
  args: unknown,
  context: AppContext,
  info: GraphQLResolveInfo,
) => Promise<unknown>;

const recordHealthRead = ((
  resolve: Resolve,
  parent: unknown,
  args: unknown,
  context: AppContext,
  info: GraphQLResolveInfo,
) => {
  const record = () => {
    const customerId = (parent as { customer?: { id: string } }).customer?.id;
    if (customerId) context.audit.recordHealthRead(customerId, info.fieldName);
  };
  const value = resolve(parent, args, context, info);
  // A value known now is recorded now: a promise per health field and row is what a list page paid.
  if (!isPromiseLike(value)) {
    record();
    return value;
  }
  return Promise.resolve(value).then((resolved) => {
    record();
    return resolved;
  });
}) as SyncOrAsyncMiddleware;

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}

export const auditMiddleware = {
  HealthProfile: Object.fromEntries(AUDITED_HEALTH_FIELDS.map((field) => [field, recordHealthRead])),
  // Contraindication findings name health facts of the booked customer.
  ContraindicationCheck: { findings: recordHealthRead },
  // 身体状况备注 of a visit are free-text health notes.
  Visit: { conditionNotes: recordHealthRead },
};
