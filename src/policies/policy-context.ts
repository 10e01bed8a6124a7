import type DataLoader from 'dataloader';
import type { ActiveHealthGrant, CustomerRelation } from '../core/health-access';
import type { Viewer } from '../core/viewer';
import type { ContactChannel } from '../entities/customers/customers.enums';

/**
 * The part of the request context the shield rules read: the viewer and per-request loaders.
 * Declared here by shape (the resolvers' context satisfies it) so that policies depend on core only.
 */
export interface PolicyContext {
  viewer: Viewer | null;
  loaders: {
    customerAssignment: DataLoader<string, CustomerRelation | null>;
    contactConsents: DataLoader<string, { granted: boolean; channel: ContactChannel }[]>;
  };
  /** The viewer's health access grants in force (services/health-access/health-grant-loader.ts). */
  healthGrants: {
    readonly now: Date;
    active(): Promise<readonly ActiveHealthGrant[]>;
    used(customerId: string, grant: ActiveHealthGrant): void;
  };
}
