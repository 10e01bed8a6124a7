import {
  Collection,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToMany,
  OneToOne,
  Property,
  type Ref,
  OptionalProps,
  Unique,
  Check,
} from '@mikro-orm/core';
import { Appointment } from '../booking/appointment.entity';
import { OrganizationScoped } from '../base.entity';
import { Customer } from '../customers/customer.entity';
import { VisitEffect } from './visits.enums';
import { Store } from '../organization/store.entity';
import { User } from '../staff/user.entity';
import { VisitLine } from './visit-line.entity';
import { EncryptedText } from '../encrypted.type';
import { plaintextIndex } from '../plaintext-index';

/** 服务记录: what was done for a customer on one visit, and how it went. */
@Entity()
@Index({
  name: 'visit_organization_visited_index',
  expression:
    'create index visit_organization_visited_index on visit (organization_id, visited_at desc, id desc)',
})
@Check({
  name: 'visit_satisfaction_check',
  expression: 'satisfaction is null or (satisfaction >= 1 and satisfaction <= 5)',
})
@Index({ properties: ['customer', 'visitedAt', 'id'] })
@Index({ properties: ['store', 'visitedAt'] })
// The reports' visits of a period, read from the index alone (Migration20261202100000_report_rollups).
@Index({
  name: 'visit_report_index',
  expression:
    'create index visit_report_index on visit (organization_id, visited_at) include (id, customer_id, store_id)',
})
@Unique({ properties: ['organization', 'idempotencyKey'] })
// Rows still holding plaintext, for the start-up sealing pass (src/entities/plaintext-index.ts).
@Index(plaintextIndex('visit', ['condition_notes']))
export class Visit extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'version';

  @ManyToOne(() => Store, { ref: true })
  store!: Ref<Store>;

  @ManyToOne(() => Customer, { ref: true })
  customer!: Ref<Customer>;

  /** The checked-in appointment it was recorded from; null for a walk-in (散客). */
  @OneToOne(() => Appointment, { ref: true, nullable: true, owner: true, unique: true })
  appointment?: Ref<Appointment>;

  @Property({ type: 'timestamptz' })
  visitedAt!: Date;

  @OneToMany(() => VisitLine, (line) => line.visit, { orderBy: { position: 'asc' } })
  lines = new Collection<VisitLine>(this);

  /** 服务反馈 / 效果评价 */
  @Enum({ items: () => VisitEffect, nativeEnumName: 'visit_effect', nullable: true })
  effect?: VisitEffect;

  /** 满意度 1–5. */
  @Property({ type: 'smallint', nullable: true })
  satisfaction?: number;

  @Property({ length: 1000, nullable: true })
  feedback?: string;

  /** 客户建议 */
  @Property({ length: 1000, nullable: true })
  suggestions?: string;

  /** 下次服务意向, e.g. 两周后再做肩颈. */
  @Property({ length: 200, nullable: true })
  nextVisitIntent?: string;

  @Property({ type: 'date', nullable: true })
  nextVisitOn?: string;

  /** 身体状况备注: health-sensitive, protected like the health profile. */
  @Property({ type: EncryptedText, columnType: 'text', nullable: true, lazy: true })
  conditionNotes?: string;

  @ManyToOne(() => User, { ref: true, nullable: true })
  recordedBy?: Ref<User>;

  /** The idempotency key it was recorded with (its record: idempotency_record); unique per organization. */
  @Property({ length: 100, nullable: true })
  idempotencyKey?: string;

  @Property({ version: true })
  version!: number;
}
