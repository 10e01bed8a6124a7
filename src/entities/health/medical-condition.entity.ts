import { Entity, Enum, Property, OptionalProps, Index } from '@mikro-orm/core';
import { ClinicalStatus } from './health.enums';
import { HealthRecord } from './health-record.entity';
import { EncryptedText } from '../encrypted.type';
import { plaintextIndex } from '../plaintext-index';

/** 既往病史: one condition of the medical history, e.g. 高血压 since 2019. */
@Entity()
// A customer's records oldest recorded first, the read path's order (no sort per customer).
@Index({ properties: ['customer', 'recordedAt', 'id'] })
// Rows still holding plaintext, for the start-up sealing pass (src/entities/plaintext-index.ts).
@Index(plaintextIndex('medical_condition', ['note', 'condition']))
export class MedicalCondition extends HealthRecord {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'recordedAt' | 'status';

  /** Encrypted (EncryptedText); at most 100 characters, checked by the input. */
  @Property({ type: EncryptedText, columnType: 'text' })
  condition!: string;

  @Property({ type: 'date', nullable: true })
  since?: string;

  @Enum({ items: () => ClinicalStatus, nativeEnumName: 'clinical_status' })
  status: ClinicalStatus = ClinicalStatus.ACTIVE;
}
