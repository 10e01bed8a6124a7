/** health-access: enumerations shared by the entities and the GraphQL contract. */

/** How access came about: an approved request, or break-glass in an emergency (decided afterwards). */
export enum HealthAccessKind {
  APPROVAL = 'APPROVAL',
  BREAK_GLASS = 'BREAK_GLASS',
}

/**
 * Where a request stands. An APPROVED one is a grant while now < expiresAt; it ends by itself (no job
 * changes the status), so "expired" is read from the time, never stored.
 */
export enum HealthAccessStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REFUSED = 'REFUSED',
  /** The requester took it back before it was decided. */
  WITHDRAWN = 'WITHDRAWN',
  /** An approver ended the grant early. */
  REVOKED = 'REVOKED',
}
