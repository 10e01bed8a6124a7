import type { Customer, Organization, Store, User } from '../entities';
import { localTime } from '../core/local-time';
import type { Random } from './random';

export const DAY = 86_400_000;

/** What the operations seeders share: who and where, the one random sequence, and the seed's now. */
export interface OperationsContext {
  organization: Organization;
  stores: Store[];
  therapists: User[];
  customers: Customer[];
  rng: Random;
  now: number;
}

/** The store's local date `days` from the seed's now (negative: ago). */
export function dateOf(now: number, days: number, store: Store): string {
  return localTime(new Date(now + days * DAY), store.timezone).date;
}
