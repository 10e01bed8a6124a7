import { Entity, PrimaryKey, Property, type Ref, ManyToOne, Index } from '@mikro-orm/core';
import { Organization } from '../organization/organization.entity';

/**
 * The first answer to a mutation sent with an idempotency key: a retry with the same input gets it
 * back and posts nothing; the same key with other input is refused. Kept 7 days (the
 * idempotency-purge job, src/jobs/maintenance.job.ts), at least the promised 24 hours.
 */
@Entity()
@Index({ name: 'idempotency_record_created_index', properties: ['createdAt'] })
export class IdempotencyRecord {
  @ManyToOne(() => Organization, { ref: true, primary: true, deleteRule: 'cascade' })
  organization!: Ref<Organization>;

  @PrimaryKey({ length: 100 })
  key!: string;

  @Property({ length: 50 })
  operation!: string;

  @Property({ length: 64 })
  requestHash!: string;

  @Property({ type: 'json' })
  response!: unknown;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
