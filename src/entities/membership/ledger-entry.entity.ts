import {
  BigIntType,
  Entity,
  Enum,
  ManyToOne,
  Property,
  type Ref,
  OptionalProps,
  Check,
  Index,
} from '@mikro-orm/core';
import { Account } from './account.entity';
import { OrganizationScoped } from '../base.entity';
import { Customer } from '../customers/customer.entity';
import { LedgerEntryKind, PaymentMethod } from './membership.enums';

/**
 * One movement of money or entitlement: append-only (a trigger refuses UPDATE, DELETE, TRUNCATE).
 * Corrections are REVERSAL entries pointing at the entry they undo; an entry is reversed at most once.
 */
@Entity()
@Index({
  name: 'ledger_entry_account_index',
  expression:
    'create index ledger_entry_account_index on ledger_entry (account_id, created_at desc, id desc)',
})
@Index({
  name: 'ledger_entry_customer_index',
  expression:
    'create index ledger_entry_customer_index on ledger_entry (customer_id, created_at desc, id desc)',
})
@Index({ name: 'ledger_entry_operation_index', properties: ['operationId'] })
@Check({
  name: 'ledger_entry_moves_check',
  expression: 'principal_delta <> 0 or bonus_delta <> 0 or units_delta <> 0',
})
@Check({
  name: 'ledger_entry_after_check',
  expression: 'principal_after >= 0 and bonus_after >= 0 and units_after >= 0',
})
@Check({ name: 'ledger_entry_reversal_check', expression: `(kind = 'REVERSAL') = (reverses_id is not null)` })
export class LedgerEntry extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'principalDelta' | 'bonusDelta' | 'unitsDelta';

  @ManyToOne(() => Account, { ref: true })
  account!: Ref<Account>;

  @ManyToOne(() => Customer, { ref: true })
  customer!: Ref<Customer>;

  @Enum({ items: () => LedgerEntryKind, nativeEnumName: 'ledger_entry_kind' })
  kind!: LedgerEntryKind;

  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  principalDelta: number = 0;

  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  bonusDelta: number = 0;

  @Property({ type: 'integer' })
  unitsDelta: number = 0;

  /** Balances right after this entry: the account's history reads without summing. */
  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  principalAfter!: number;

  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  bonusAfter!: number;

  @Property({ type: 'integer' })
  unitsAfter!: number;

  /** The entry this one undoes (REVERSAL). */
  @ManyToOne(() => LedgerEntry, { ref: true, nullable: true, unique: true })
  reverses?: Ref<LedgerEntry>;

  /** Entries posted by one request share it (a sale, a checkout). */
  @Property({ type: 'uuid' })
  operationId!: string;

  @Property({ type: 'uuid', nullable: true })
  storeId?: string;

  @Property({ type: 'uuid', nullable: true })
  visitId?: string;

  /** The service a punch was used for. */
  @Property({ type: 'uuid', nullable: true })
  serviceId?: string;

  /** External money taken with this entry (a card sale paid by WeChat Pay …), in 分. */
  @Property({ type: new BigIntType('number'), columnType: 'bigint', nullable: true })
  amountPaid?: number;

  @Enum({ items: () => PaymentMethod, nativeEnumName: 'payment_method', nullable: true })
  paymentMethod?: PaymentMethod;

  @Property({ length: 100, nullable: true })
  paymentReference?: string;

  /** When these earned points expire. */
  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date;

  @Property({ length: 200, nullable: true })
  note?: string;

  @Property({ type: 'uuid', nullable: true })
  recordedByUserId?: string;

  @Property({ type: 'uuid', nullable: true })
  recordedByApiKeyId?: string;
}
