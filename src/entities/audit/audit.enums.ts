/** audit: enumerations shared by the entities and the GraphQL contract. */

export enum AuditAction {
  READ = 'READ',
  CREATE = 'CREATE',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
  ARCHIVE = 'ARCHIVE',
  RESTORE = 'RESTORE',
  LOGIN = 'LOGIN',
  /** A refused password check (wrong password, unknown email, inactive account); never the password. */
  LOGIN_FAILED = 'LOGIN_FAILED',
  /** mergeCustomers: entityId is the merged customer, customerId the survivor; fields name what moved. */
  MERGE = 'MERGE',
  /** A customer's record handed out on their request (PIPL art. 45); no values in the row. */
  EXPORT = 'EXPORT',
  /** A customer's personal data erased (PIPL art. 47); the row says by whom and why, never what. */
  ERASE = 'ERASE',
  /** Emergency health access (breakGlassHealthAccess): entityId is the grant; reviewed by a manager. */
  BREAK_GLASS = 'BREAK_GLASS',
}
