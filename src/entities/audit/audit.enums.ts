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
}
