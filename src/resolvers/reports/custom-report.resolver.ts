import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { SavedReport } from '../../entities';
import type { RowOf } from '../../services/rows';
import { money } from '../../schema/money.type';
import {
  CustomReportDefinitionInput,
  SaveCustomReportInput,
  UpdateCustomReportInput,
} from '../../schema/reports/custom-report.inputs';
import {
  CustomReportDefinition,
  CustomReportResult,
  CustomReportType,
  ReportCatalogue,
} from '../../schema/reports/custom-report.type';
import { ReportPeriodInput } from '../../schema/reports/report-period.inputs';
import { CustomerHealthReport } from '../../schema/reports/health-aggregate.type';
import type { CustomReportResult as Result } from '../../services/reports/custom-report-run';
import type { AppContext } from '../context';

/** Money cells in the organization's currency (the service counts integer 分). */
async function inMoney(result: Result, context: AppContext) {
  const { currency } = await context.loaders.organization();
  return {
    ...result,
    rows: result.rows.map((row) => ({
      ...row,
      cells: row.cells.map((cell) => ({
        ...cell,
        money: cell.money == null ? cell.money : money(cell.money, currency),
      })),
    })),
  };
}

/** 自定义报表: the catalogue, ad-hoc runs, and the saved definitions. */
@Resolver(() => CustomReportType)
export class CustomReportResolver {
  @Query(() => ReportCatalogue, {
    description: 'The measures and dimensions your role may use in a custom report.',
  })
  reportCatalogue(@Ctx() context: AppContext) {
    return context.services.customReports.catalogue();
  }

  @Query(() => CustomReportResult, { description: 'Run a custom report definition without saving it.' })
  async runCustomReport(
    @Arg('definition', () => CustomReportDefinitionInput) definition: CustomReportDefinitionInput,
    @Arg('period', () => ReportPeriodInput) period: ReportPeriodInput,
    @Ctx() context: AppContext,
  ) {
    return inMoney(await context.services.customReports.run(definition, period), context);
  }

  @Query(() => CustomerHealthReport, {
    description:
      '体质, allergy categories and special conditions of the live customers, small cells suppressed.',
  })
  customerHealthReport(@Ctx() context: AppContext) {
    return context.services.customReports.healthAggregate();
  }

  @Query(() => [CustomReportType], { description: 'The organization’s saved custom reports, by name.' })
  customReports(@Ctx() context: AppContext) {
    return context.services.customReports.list();
  }

  @Query(() => CustomReportType)
  customReport(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.customReports.get(id);
  }

  @Mutation(() => CustomReportType, {
    description: 'Save a custom report; CONFLICT DUPLICATE_NAME if taken.',
  })
  saveCustomReport(@Arg('input') input: SaveCustomReportInput, @Ctx() context: AppContext) {
    return context.services.customReports.create(input);
  }

  @Mutation(() => CustomReportType, { description: 'Change a saved custom report (expectedVersion).' })
  updateCustomReport(@Arg('input') input: UpdateCustomReportInput, @Ctx() context: AppContext) {
    return context.services.customReports.update(input);
  }

  @Mutation(() => ID)
  deleteCustomReport(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.customReports.delete(id);
  }

  @FieldResolver(() => CustomReportDefinition)
  definition(@Root() report: RowOf<SavedReport>) {
    const saved = report.definition as Partial<CustomReportDefinition>;
    return { measures: [], dimensions: [], grain: 'MONTH', filters: [], ...saved };
  }

  @FieldResolver(() => CustomReportResult, {
    description: 'Run the saved definition for a period, checked again for your role.',
  })
  async run(
    @Root() report: RowOf<SavedReport>,
    @Arg('period', () => ReportPeriodInput) period: ReportPeriodInput,
    @Ctx() context: AppContext,
  ) {
    return inMoney(await context.services.customReports.run(report.definition, period), context);
  }
}
