import { Field, Int, ObjectType } from 'type-graphql';
import { ReportGrain } from '../enums.type';

@ObjectType({ description: 'Local dates, YYYY-MM-DD, both included.' })
export class DateRange {
  @Field()
  from!: string;

  @Field()
  to!: string;
}

@ObjectType({ description: 'The period a report covers and the periods it is compared with.' })
export class ReportPeriod extends DateRange {
  @Field(() => ReportGrain)
  grain!: ReportGrain;

  @Field({ description: 'The IANA time zone its days are in: the store’s, else the organization’s.' })
  timeZone!: string;

  @Field(() => DateRange, {
    description: '环比: the period just before, as long (whole months stay whole months).',
  })
  previous!: DateRange;

  @Field(() => DateRange, {
    description: '同比: the same dates a year before (a month’s last day stays its last day).',
  })
  lastYear!: DateRange;
}

@ObjectType({ description: 'A count in one bucket of a series (its dates clipped to the period).' })
export class CountPoint extends DateRange {
  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'A count for one value of a dimension; `label` is for people (Chinese).' })
export class CountRow {
  @Field()
  key!: string;

  @Field()
  label!: string;

  @Field(() => Int)
  count!: number;
}
