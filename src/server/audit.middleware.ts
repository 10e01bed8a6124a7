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

const recordHealthRead = async (
  resolve: Resolve,
  parent: unknown,
  args: unknown,
  context: AppContext,
  info: GraphQLResolveInfo,
) => {
  const value = await resolve(parent, args, context, info);
  const customerId = (parent as { customer?: { id: string } }).customer?.id;
  if (customerId) context.audit.recordHealthRead(customerId, info.fieldName);
  return value;
};

export const auditMiddleware = {
  HealthProfile: Object.fromEntries(AUDITED_HEALTH_FIELDS.map((field) => [field, recordHealthRead])),
  // Contraindication findings name health facts of the booked customer.
  ContraindicationCheck: { findings: recordHealthRead },
  // 身体状况备注 of a visit are free-text health notes.
  Visit: { conditionNotes: recordHealthRead },
};
