import { Entity, Enum, Property, OptionalProps, Index } from '@mikro-orm/core';
import {
  AllergyCategory,
  AllergyCriticality,
  ClinicalStatus,
  ReactionSeverity,
  VerificationStatus,
} from './health.enums';
import { HealthRecord } from './health-record.entity';
import { EncryptedText } from '../encrypted.type';
import { plaintextIndex } from '../plaintext-index';

/** 过敏史, modelled on FHIR AllergyIntolerance. */
@Entity()
// A customer's records oldest recorded first, the read path's order (no sort per customer).
@Index({ properties: ['customer', 'recordedAt', 'id'] })
// Rows still holding plaintext, for the start-up sealing pass (src/entities/plaintext-index.ts).
@Index(plaintextIndex('allergy', ['note', 'substance', 'reaction']))
export class Allergy extends HealthRecord {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'recordedAt' | 'clinicalStatus' | 'verificationStatus';

  /** Encrypted (EncryptedText); at most 100 characters, checked by the input. */
  @Property({ type: EncryptedText, columnType: 'text' })
  substance!: string;

  @Enum({ items: () => AllergyCategory, nativeEnumName: 'allergy_category' })
  category!: AllergyCategory;

  @Enum({ items: () => AllergyCriticality, nativeEnumName: 'allergy_criticality', nullable: true })
  criticality?: AllergyCriticality;

  @Enum({ items: () => ClinicalStatus, nativeEnumName: 'clinical_status' })
  clinicalStatus: ClinicalStatus = ClinicalStatus.ACTIVE;

  @Enum({ items: () => VerificationStatus, nativeEnumName: 'verification_status' })
  verificationStatus: VerificationStatus = VerificationStatus.UNCONFIRMED;

  /** Manifestation, e.g. 皮疹, 红肿. */
  @Property({ type: EncryptedText, columnType: 'text', nullable: true })
  reaction?: string;

  @Enum({ items: () => ReactionSeverity, nativeEnumName: 'reaction_severity', nullable: true })
  severity?: ReactionSeverity;

  @Property({ type: 'date', nullable: true })
  onsetDate?: string;
}
