import { Check, Entity, Enum, OptionalProps, Property, Index } from '@mikro-orm/core';
import { SpecialConditionKind } from './health.enums';
import { HealthRecord } from './health-record.entity';
import { EncryptedText } from '../encrypted.type';
import { plaintextIndex } from '../plaintext-index';

/** 特殊健康状况 with a date range: pregnancy 孕期, breastfeeding, post-surgery recovery… */
@Entity()
// A customer's records oldest recorded first, the read path's order (no sort per customer).
@Index({ properties: ['customer', 'recordedAt', 'id'] })
// Rows still holding plaintext, for the start-up sealing pass (src/entities/plaintext-index.ts).
@Index(plaintextIndex('special_condition', ['note', 'description']))
@Check({ name: 'special_condition_range_check', expression: 'ends_on is null or ends_on >= starts_on' })
export class SpecialCondition extends HealthRecord {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'recordedAt';

  @Enum({ items: () => SpecialConditionKind, nativeEnumName: 'special_condition_kind' })
  kind!: SpecialConditionKind;

  @Property({ type: EncryptedText, columnType: 'text', nullable: true })
  description?: string;

  @Property({ type: 'date' })
  startsOn!: string;

  /** Open-ended while null. */
  @Property({ type: 'date', nullable: true })
  endsOn?: string;
}
