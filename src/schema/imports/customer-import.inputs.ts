import { Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { HealthConsentMethod, ImportEncoding, ImportField } from './import-enums.type';

@InputType({ description: 'One column of the file (its header exactly) and what it fills.' })
export class ImportColumnMappingInput {
  @Field()
  @Length(1, 200)
  column!: string;

  @Field(() => ImportField)
  field!: ImportField;
}

@InputType({
  description:
    "The importer's record that the customers of this file consented to the processing of their health data (PIPL art. 29): how and when. Without it 过敏史 / 既往病史 are not imported (each such row says healthSkipped).",
})
export class ImportHealthConsentInput {
  @Field(() => HealthConsentMethod)
  method!: HealthConsentMethod;

  @Field({ description: 'When the consent was obtained (e.g. when the paper forms were signed).' })
  obtainedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Where the forms are kept, who collected them …' })
  @Length(0, 200)
  note?: string;
}

@InputType()
export class StartCustomerImportInput {
  @Field(() => ID, { description: 'The id POST /imports/customers answered.' })
  importId!: string;

  @Field({
    description:
      'true: check every row and report, write nothing. false: write what the finished dry run of the same options promised (CONFLICT DRY_RUN_REQUIRED without one, IMPORT_CHANGED when the data changed since).',
  })
  dryRun!: boolean;

  @Field(() => [ImportColumnMappingInput], {
    nullable: true,
    description: 'Overrides of the automatic header mapping (姓名, 手机, 储值余额 …).',
  })
  mapping?: ImportColumnMappingInput[];

  @Field(() => ImportEncoding, {
    nullable: true,
    description: 'Forces how a CSV is read; default: UTF8 when its bytes are valid UTF-8, else GB18030.',
  })
  encoding?: ImportEncoding;

  @Field(() => ID, {
    nullable: true,
    description: 'The punch-card product of 剩余次数 for rows without a 卡项 column.',
  })
  punchCardProductId?: string;

  @Field(() => ImportHealthConsentInput, { nullable: true })
  healthConsent?: ImportHealthConsentInput;
}
