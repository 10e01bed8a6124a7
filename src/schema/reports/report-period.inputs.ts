import { Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { ReportGrain } from '../enums.type';

@InputType({
  description:
    "A report period: local dates in the store's time zone (or the organization's), both included.",
})
export class ReportPeriodInput {
  @Field({ description: 'YYYY-MM-DD, the first day.' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  from!: string;

  @Field({ description: 'YYYY-MM-DD, the last day (not before `from`).' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  to!: string;

  @Field(() => ReportGrain, {
    nullable: true,
    description: 'DAY (the default; at most 3 years), WEEK or MONTH.',
  })
  grain?: ReportGrain;
}
