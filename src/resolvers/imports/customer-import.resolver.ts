import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CustomerImport, ImportSummary } from '../../entities/imports/customer-import.entity';
import type { AppContext } from '../context';
import { inCurrency } from '../money-field';
import { StartCustomerImportInput } from '../../schema/imports/customer-import.inputs';
import {
  CustomerImportRowConnection,
  CustomerImportType,
  ImportHealthConsentType,
  ImportSummaryType,
} from '../../schema/imports/customer-import.type';
import { ImportRowOutcome } from '../../schema/imports/import-enums.type';

@Resolver(() => CustomerImportType)
export class CustomerImportResolver {
  @Query(() => CustomerImportType, {
    description: '建档导入: an import uploaded through POST /imports/customers, its progress and report.',
  })
  customerImport(@Arg('id', () => ID) id: string, @Ctx() context: AppContext) {
    return context.services.customerImports.find(id);
  }

  @Mutation(() => CustomerImportType, {
    description:
      'Runs an uploaded import: first dryRun: true (the row report, nothing written), then dryRun: false with the same options. Files up to 512 KiB run in the request; larger ones are QUEUED for the job: poll customerImport(id).',
  })
  startCustomerImport(@Arg('input') input: StartCustomerImportInput, @Ctx() context: AppContext) {
    return context.services.customerImports.start(input);
  }

  @FieldResolver(() => ImportSummaryType, {
    nullable: true,
    description: 'The last run (a dry run or the import).',
  })
  summary(@Root() customerImport: CustomerImport, @Ctx() context: AppContext) {
    return withMoney(context, customerImport.summary);
  }

  @FieldResolver(() => ImportSummaryType, { nullable: true, description: 'What the dry run promised.' })
  dryRunSummary(@Root() customerImport: CustomerImport, @Ctx() context: AppContext) {
    return withMoney(context, customerImport.dryRunSummary);
  }

  @FieldResolver(() => ImportHealthConsentType, { nullable: true })
  healthConsent(@Root() customerImport: CustomerImport) {
    const consent = customerImport.healthConsent;
    return consent
      ? { ...consent, recordedAt: new Date(consent.recordedAt), obtainedAt: new Date(consent.obtainedAt) }
      : null;
  }

  @FieldResolver(() => CustomerImportRowConnection, {
    description: 'The row report of the last dry run, in file order.',
  })
  rows(
    @Root() customerImport: CustomerImport,
    @Ctx() context: AppContext,
    @Arg('first', () => Int, { nullable: true, description: '1–500, default 50.' }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('outcome', () => ImportRowOutcome, { nullable: true }) outcome?: ImportRowOutcome,
  ) {
    return context.services.customerImports.rows(customerImport.id, first, after, outcome);
  }
}

async function withMoney(context: AppContext, summary: ImportSummary | undefined) {
  if (!summary) return null;
  return {
    ...summary,
    storedValue: await inCurrency(context, summary.storedValue),
    storedValueBonus: await inCurrency(context, summary.storedValueBonus),
  };
}
