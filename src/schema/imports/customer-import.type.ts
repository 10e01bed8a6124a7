import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../connection.type';
import { Money } from '../money.type';
import {
  HealthConsentMethod,
  ImportDuplicateReason,
  ImportEncoding,
  ImportField,
  ImportFormat,
  ImportMode,
  ImportRowOutcome,
  ImportStatus,
} from './import-enums.type';

@ObjectType('ImportColumn', {
  description: 'A column of the file and what it fills (null: unknown, not read).',
})
export class ImportColumnType {
  @Field(() => Int)
  index!: number;

  @Field()
  header!: string;

  @Field(() => ImportField, { nullable: true })
  field?: ImportField | null;
}

@ObjectType('ImportSummary', {
  description: 'Counts of a run; on a dry run, what the real run will write.',
})
export class ImportSummaryType {
  @Field(() => Int)
  totalRows!: number;

  @Field(() => Int)
  ok!: number;

  @Field(() => Int)
  errors!: number;

  @Field(() => Int)
  duplicates!: number;

  @Field(() => Int, { description: 'Rows whose health columns were not imported (no consent, or a minor).' })
  healthSkipped!: number;

  @Field(() => Int)
  created!: number;

  @Field(() => Money, { description: '储值余额 brought over as OPENING_BALANCE principal.' })
  storedValue!: Money;

  @Field(() => Money)
  storedValueBonus!: Money;

  @Field(() => Int)
  points!: number;

  @Field(() => Int)
  punches!: number;

  @Field(() => Int, { description: 'Allergies and medical-history records.' })
  healthRecords!: number;

  @Field(() => [String], { description: 'Headers neither mapped nor known: their cells are not read.' })
  unknownColumns!: string[];
}

@ObjectType('ImportHealthConsent', {
  description: 'Who recorded the health consent of a file, when and how.',
})
export class ImportHealthConsentType {
  @Field(() => ID)
  recordedByUserId!: string;

  @Field()
  recordedAt!: Date;

  @Field()
  obtainedAt!: Date;

  @Field(() => HealthConsentMethod)
  method!: HealthConsentMethod;

  @Field(() => String, { nullable: true })
  note?: string;
}

@ObjectType('ImportProblem', { description: 'What is wrong with a cell: the column and the rule it breaks.' })
export class ImportProblemType {
  @Field()
  column!: string;

  @Field(() => ImportField)
  field!: ImportField;

  @Field({ description: 'A BAD_USER_INPUT rule (docs/errors.md): phone, mobile, format, exists …' })
  rule!: string;

  @Field()
  message!: string;
}

@ObjectType('CustomerImportRow', { description: 'What became of one row of the file (never its values).' })
export class CustomerImportRowType {
  @Field(() => Int, { description: 'As the spreadsheet numbers it: the header is row 1.' })
  rowNumber!: number;

  @Field(() => ImportRowOutcome)
  outcome!: ImportRowOutcome;

  @Field(() => [ImportProblemType])
  problems!: ImportProblemType[];

  @Field(() => ImportDuplicateReason, { nullable: true })
  duplicateReason?: ImportDuplicateReason;

  @Field(() => ID, { nullable: true, description: 'The existing customer this row is.' })
  duplicateOfCustomerId?: string;

  @Field(() => Int, { nullable: true, description: 'The earlier row of the file this row is.' })
  duplicateOfRow?: number;

  @Field()
  healthSkipped!: boolean;

  @Field(() => ID, { nullable: true, description: 'The customer the real run created.' })
  customerId?: string;
}

@ObjectType('CustomerImportRowConnection')
export class CustomerImportRowConnection extends Connection('CustomerImportRow', CustomerImportRowType) {}

@ObjectType('CustomerImport', { description: '建档导入: an uploaded customer file and its runs.' })
export class CustomerImportType {
  @Field(() => ID)
  id!: string;

  @Field()
  fileName!: string;

  @Field(() => ImportFormat)
  format!: ImportFormat;

  @Field(() => Int)
  sizeBytes!: number;

  @Field({ description: "SHA-256 of the file's bytes." })
  sha256!: string;

  @Field(() => ImportEncoding, { nullable: true })
  detectedEncoding?: ImportEncoding;

  @Field(() => ImportStatus)
  status!: ImportStatus;

  @Field(() => ImportMode, { nullable: true })
  mode?: ImportMode;

  @Field(() => [ImportColumnType], { nullable: true, description: 'Known after a dry run.' })
  columns?: ImportColumnType[];

  @Field(() => Int, { nullable: true, description: 'Known once a dry run has read the file.' })
  totalRows?: number;

  @Field(() => Int)
  processedRows!: number;

  @Field(() => ImportHealthConsentType, { nullable: true })
  healthConsent?: ImportHealthConsentType;

  @Field(() => String, { nullable: true, description: 'Why the last run failed or was refused.' })
  error?: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt?: Date;

  @Field(() => Date, { nullable: true })
  finishedAt?: Date;
}
