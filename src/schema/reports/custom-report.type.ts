import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ReportGrain } from '../enums.type';
import { Money } from '../money.type';
import { ReportPeriod } from './report-period.type';

@ObjectType({ description: 'A measure of the custom report catalogue the viewer may use.' })
export class CatalogueMeasure {
  @Field()
  code!: string;

  @Field()
  label!: string;

  @Field()
  description!: string;

  @Field({ description: 'COUNT (Int cells) or MONEY (Money cells).' })
  type!: string;

  @Field(() => [String], { description: 'The dimension codes it can be cut and filtered by.' })
  dimensions!: string[];
}

@ObjectType({ description: 'A dimension of the custom report catalogue the viewer may use.' })
export class CatalogueDimension {
  @Field()
  code!: string;

  @Field()
  label!: string;

  @Field()
  description!: string;

  @Field({ description: 'Health data: the result is a health aggregate, small cells suppressed.' })
  health!: boolean;

  @Field({ description: 'Whether a filter may name it.' })
  filterable!: boolean;

  @Field(() => [String], { nullable: true, description: 'Its values, when they are a fixed list.' })
  values?: string[] | null;
}

@ObjectType({ description: '自定义报表 catalogue: what a definition may name, and its limits.' })
export class ReportCatalogue {
  @Field(() => [CatalogueMeasure])
  measures!: CatalogueMeasure[];

  @Field(() => [CatalogueDimension])
  dimensions!: CatalogueDimension[];

  @Field(() => Int)
  maxMeasures!: number;

  @Field(() => Int)
  maxDimensions!: number;

  @Field(() => Int)
  maxFilters!: number;

  @Field(() => Int, { description: 'Rows a result has at most; more is `truncated`.' })
  maxRows!: number;

  @Field(() => Int, { description: 'A health cell of fewer customers shows no figure.' })
  minCellCustomers!: number;
}

@ObjectType({ description: 'A column of a custom report result: dimensions first, then measures.' })
export class CustomReportColumn {
  @Field({ description: 'The catalogue code.' })
  key!: string;

  @Field()
  label!: string;

  @Field({ description: 'DIMENSION or MEASURE.' })
  kind!: string;

  @Field({ description: 'TEXT, DATE (key and label), COUNT (count) or MONEY (money).' })
  type!: string;
}

@ObjectType({ description: 'A typed cell: a dimension’s key and label, or a measure’s count or money.' })
export class CustomReportCell {
  @Field(() => String, {
    nullable: true,
    description: 'Dimension: the value (a store id, FEMALE, 2026-11-01 …).',
  })
  key?: string;

  @Field(() => String, { nullable: true, description: 'Dimension: the value for people.' })
  label?: string;

  @Field(() => Int, { nullable: true, description: 'COUNT measure; null when suppressed.' })
  count?: number | null;

  @Field(() => Money, { nullable: true, description: 'MONEY measure; null when suppressed.' })
  money?: Money | null;

  @Field({ description: 'A health cell of too few customers, or hidden so it cannot be computed back.' })
  suppressed!: boolean;
}

@ObjectType()
export class CustomReportRow {
  @Field(() => [CustomReportCell], { description: 'One per column, in the columns’ order.' })
  cells!: CustomReportCell[];

  @Field()
  suppressed!: boolean;
}

@ObjectType({ description: 'A custom report run: columns and rows, ordered by the dimensions.' })
export class CustomReportResult {
  @Field(() => ReportPeriod)
  period!: ReportPeriod;

  @Field(() => [CustomReportColumn])
  columns!: CustomReportColumn[];

  @Field(() => [CustomReportRow], {
    description: 'Rows with data only; a health aggregate has every combination (zero-filled).',
  })
  rows!: CustomReportRow[];

  @Field({ description: 'More rows matched than rowLimit.' })
  truncated!: boolean;

  @Field(() => Int)
  rowLimit!: number;

  @Field({ description: 'A health dimension made it an aggregate with small-cell suppression.' })
  healthAggregate!: boolean;

  @Field(() => Int)
  suppressedRows!: number;
}

@ObjectType()
export class CustomReportFilter {
  @Field()
  dimension!: string;

  @Field(() => [String])
  values!: string[];
}

@ObjectType({ description: 'A custom report definition as saved.' })
export class CustomReportDefinition {
  @Field(() => [String])
  measures!: string[];

  @Field(() => [String])
  dimensions!: string[];

  @Field(() => ReportGrain)
  grain!: ReportGrain;

  @Field(() => [CustomReportFilter])
  filters!: CustomReportFilter[];
}

@ObjectType('CustomReport', { description: '自定义报表 saved for the organization; `run` it for a period.' })
export class CustomReportType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => CustomReportDefinition)
  definition!: CustomReportDefinition;

  @Field(() => Int)
  version!: number;
}
