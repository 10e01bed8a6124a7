/** access: enumerations shared by the entities and the GraphQL contract. */

/** Every role a caller can have: the staff roles plus INTEGRATION for API keys. */
export enum Role {
  OWNER = 'OWNER',
  MANAGER = 'MANAGER',
  CONSULTANT = 'CONSULTANT',
  THERAPIST = 'THERAPIST',
  FRONT_DESK = 'FRONT_DESK',
  MARKETING = 'MARKETING',
  AUDITOR = 'AUDITOR',
  INTEGRATION = 'INTEGRATION',
}

export const ALL_ROLES = Object.values(Role);
