import { Entity, Enum, Index, ManyToOne, OptionalProps, Property, type Ref, Unique } from '@mikro-orm/core';
import { OrganizationScoped } from '../base.entity';
import { CustomerImport } from './customer-import.entity';
import { ImportDuplicateReason, ImportRowOutcome } from './imports.enums';
import type { ImportField } from './imports.enums';
import type { BadInputRule } from '../../core/error-reasons';

/** What is wrong with one cell: the column, the field it fills and the rule it breaks. */
export interface ImportProblem {
  column: string;
  field: ImportField;
  rule: BadInputRule;
  message: string;
}

/**
 * The report of one row of an import (never its values: the file is the customer's data, the report
 * says only what became of it). `customerId` is set by the real run; the partial unique index on
 * (organization, file hash, row) keeps a row of one file from creating two customers.
 */
@Entity()
@Unique({ name: 'customer_import_row_import_row_unique', properties: ['customerImport', 'rowNumber'] })
@Index({
  name: 'customer_import_row_file_row_unique',
  expression:
    'create unique index customer_import_row_file_row_unique on customer_import_row (organization_id, file_sha256, row_number) where customer_id is not null',
})
export class CustomerImportRow extends OrganizationScoped {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'problems' | 'healthSkipped';

  @ManyToOne(() => CustomerImport, { ref: true, deleteRule: 'cascade' })
  customerImport!: Ref<CustomerImport>;

  /** The row number as a spreadsheet shows it (the header is row 1). */
  @Property({ type: 'integer' })
  rowNumber!: number;

  @Property({ length: 64 })
  fileSha256!: string;

  @Enum({ items: () => ImportRowOutcome, nativeEnumName: 'import_row_outcome' })
  outcome!: ImportRowOutcome;

  @Property({ type: 'json' })
  problems: ImportProblem[] = [];

  @Enum({ items: () => ImportDuplicateReason, nativeEnumName: 'import_duplicate_reason', nullable: true })
  duplicateReason?: ImportDuplicateReason;

  @Property({ type: 'uuid', nullable: true })
  duplicateOfCustomerId?: string;

  @Property({ type: 'integer', nullable: true })
  duplicateOfRow?: number;

  /** The row has health columns but the import recorded no health consent: they were not imported. */
  @Property()
  healthSkipped: boolean = false;

  @Property({ type: 'uuid', nullable: true })
  customerId?: string;
}
