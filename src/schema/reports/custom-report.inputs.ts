import { Field, ID, InputType, Int } from 'type-graphql';
import { ReportGrain } from '../enums.type';

@InputType({
  description: 'Keep the rows whose dimension has one of these values (ids, enum values, a category).',
})
export class CustomReportFilterInput {
  @Field({ description: 'A filterable dimension code of reportCatalogue (never a health one).' })
  dimension!: string;

  @Field(() => [String], { description: '1–50 values.' })
  values!: string[];
}

@InputType({
  description:
    '自定义报表: codes of reportCatalogue only (never SQL): 1–5 measures, 0–3 dimensions, a grain for `period`, filters.',
})
export class CustomReportDefinitionInput {
  @Field(() => [String], { description: 'Measure codes, e.g. visits, servicesConsumed.' })
  measures!: string[];

  @Field(() => [String], {
    nullable: true,
    description: 'Dimension codes, e.g. store, period, constitution.',
  })
  dimensions?: string[];

  @Field(() => ReportGrain, {
    nullable: true,
    description: 'The grain of the `period` dimension (default MONTH); a run’s period.grain overrides it.',
  })
  grain?: ReportGrain;

  @Field(() => [CustomReportFilterInput], { nullable: true, description: 'At most 5, one per dimension.' })
  filters?: CustomReportFilterInput[];
}

@InputType()
export class SaveCustomReportInput {
  @Field({ description: '1–50 characters, unique in the organization.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'At most 500 characters.' })
  description?: string;

  @Field(() => CustomReportDefinitionInput)
  definition!: CustomReportDefinitionInput;
}

@InputType({ description: 'Omitted fields stay; a definition given replaces the whole definition.' })
export class UpdateCustomReportInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => CustomReportDefinitionInput, { nullable: true })
  definition?: CustomReportDefinitionInput;
}
