import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../core/errors';
import { isUuid } from '../../core/uuid';
import type { Viewer } from '../../core/viewer';
import { SavedReport } from '../../entities';
import { AuditAction } from '../../entities/audit/audit.enums';
import type { AuditService } from '../audit/audit.service';
import { assertVersion, withUniqueConflicts, type UniqueRule } from '../constraint-errors';
import type { Loaders } from '../read/loaders';
import { optionalText, requiredText } from '../text-input';
import { inTransaction } from '../transaction';
import {
  DIMENSIONS,
  MAX_DIMENSIONS,
  MAX_FILTERS,
  MAX_MEASURES,
  MAX_ROWS,
  MEASURES,
  MIN_CELL_CUSTOMERS,
  mayUseDimension,
  mayUseMeasure,
} from './custom-catalogue';
import { checkedDefinition } from './custom-definition';
import { HEALTH_REPORT_DIMENSIONS, healthCounts } from './health-aggregate-report';
import { runCustomReport } from './custom-report-run';
import { reportPeriod } from './period';
import { reportScope } from './report-scope';
import { productRanking } from './product-ranking';
import { todayIn } from '../../core/time';
import type { PeriodArgument } from './report.service';

const UNIQUE_NAME: UniqueRule = {
  constraint: 'saved_report_organization_id_name_unique',
  field: 'name',
  reason: 'DUPLICATE_NAME',
  message: 'A custom report with this name exists already.',
};

export interface SaveCustomReport {
  name: string;
  description?: string | null;
  definition: unknown;
}

export interface UpdateCustomReport extends Partial<SaveCustomReport> {
  id: string;
  expectedVersion?: number;
}

/** 自定义报表: the catalogue, running a definition, and the definitions saved per organization. */
export class CustomReportService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly audit: AuditService,
    private readonly loaders: Loaders,
  ) {}

  /** What the viewer's role may use, and for each measure the dimensions it can be cut by. */
  catalogue() {
    const role = this.viewer.role;
    const dimensions = Object.entries(DIMENSIONS).filter(([code, spec]) => mayUseDimension(role, code, spec));
    return {
      measures: Object.entries(MEASURES)
        .filter(([, spec]) => mayUseMeasure(role, spec))
        .map(([code, spec]) => ({
          code,
          label: spec.label,
          description: spec.description,
          type: spec.type,
          dimensions: dimensions
            .filter(([, dimension]) => dimension.facts.includes(spec.fact))
            .map(([key]) => key),
        })),
      dimensions: dimensions.map(([code, spec]) => ({
        code,
        label: spec.label,
        description: spec.description,
        health: spec.health === true,
        filterable: spec.filter !== undefined,
        values: spec.values ?? null,
      })),
      maxMeasures: MAX_MEASURES,
      maxDimensions: MAX_DIMENSIONS,
      maxFilters: MAX_FILTERS,
      maxRows: MAX_ROWS,
      minCellCustomers: MIN_CELL_CUSTOMERS,
    };
  }

  /** Runs a definition for a period: the period's grain, when given, overrides the definition's. */
  async run(definitionInput: unknown, period: PeriodArgument) {
    const definition = checkedDefinition(definitionInput, this.viewer.role);
    const scope = await reportScope(this.em, this.viewer, this.loaders, null);
    const grain = period.grain ?? definition.grain;
    const checkedPeriod = reportPeriod({ ...period, grain }, scope.timeZone);
    return runCustomReport(this.em, scope, checkedPeriod, { ...definition, grain });
  }

  /**
   * 体质 and the other health dimensions over the live customers now, each a health aggregate of the
   * catalogue (same role check, same small-cell suppression as a custom report reaching them).
   */
  async healthAggregate() {
    const { timezone } = await this.loaders.organization();
    const today = todayIn(timezone);
    const counts = async (dimension: string) =>
      healthCounts(
        await this.run({ measures: ['customers'], dimensions: [dimension] }, { from: today, to: today }),
      );
    return {
      byConstitution: await counts(HEALTH_REPORT_DIMENSIONS.byConstitution),
      byAllergyCategory: await counts(HEALTH_REPORT_DIMENSIONS.byAllergyCategory),
      bySpecialCondition: await counts(HEALTH_REPORT_DIMENSIONS.bySpecialCondition),
      minCellCustomers: MIN_CELL_CUSTOMERS,
    };
  }

  /** 产品排行 (product-ranking.ts): the one custom-report measure set the catalogue also has as a fixed report. */
  async productRanking(period: PeriodArgument, storeId?: string | null, first?: number | null) {
    const scope = await reportScope(this.em, this.viewer, this.loaders, storeId);
    return productRanking(this.em, scope, reportPeriod(period, scope.timeZone), first ?? undefined);
  }

  list(): Promise<SavedReport[]> {
    return this.em.find(SavedReport, {}, { orderBy: { name: 'asc' } });
  }

  async get(id: string): Promise<SavedReport> {
    const report = isUuid(id) ? await this.em.findOne(SavedReport, { id }) : null;
    if (!report) throw new NotFoundError('SavedReport', id);
    return report;
  }

  async create(input: SaveCustomReport): Promise<SavedReport> {
    const definition = checkedDefinition(input.definition, this.viewer.role);
    return withUniqueConflicts([UNIQUE_NAME], () =>
      inTransaction(this.em, async (em) => {
        const report = em.create(SavedReport, {
          organization: this.viewer.organizationId,
          name: requiredText('name', input.name, 50),
          description: optionalText('description', input.description, 500),
          definition: { ...definition },
          createdBy: this.viewer.userId,
        });
        this.audit.recordChange(em, AuditAction.CREATE, 'SavedReport', report.id, undefined, [
          'name',
          'definition',
        ]);
        return report;
      }),
    );
  }

  async update(input: UpdateCustomReport): Promise<SavedReport> {
    const definition =
      input.definition == null ? undefined : checkedDefinition(input.definition, this.viewer.role);
    return withUniqueConflicts([UNIQUE_NAME], () =>
      inTransaction(this.em, async (em) => {
        const report = isUuid(input.id)
          ? await em.findOne(SavedReport, { id: input.id }, { lockMode: LockMode.PESSIMISTIC_WRITE })
          : null;
        if (!report) throw new NotFoundError('SavedReport', input.id);
        // Only who may run a report may change it (MARKETING renamed an OWNER's money report).
        checkedDefinition(report.definition, this.viewer.role);
        assertVersion('The custom report', report.version, input.expectedVersion);
        const fields: string[] = [];
        if (input.name != null) {
          report.name = requiredText('name', input.name, 50);
          fields.push('name');
        }
        if (input.description !== undefined) {
          report.description = optionalText('description', input.description, 500);
          fields.push('description');
        }
        if (definition) {
          report.definition = { ...definition };
          fields.push('definition');
        }
        if (fields.length)
          this.audit.recordChange(em, AuditAction.UPDATE, 'SavedReport', report.id, undefined, fields);
        return report;
      }),
    );
  }

  delete(id: string): Promise<string> {
    return inTransaction(this.em, async (em) => {
      const report = isUuid(id) ? await em.findOne(SavedReport, { id }) : null;
      if (!report) throw new NotFoundError('SavedReport', id);
      // Only who may run a report may delete it.
      checkedDefinition(report.definition, this.viewer.role);
      this.audit.recordChange(em, AuditAction.DELETE, 'SavedReport', report.id, undefined, []);
      em.remove(report);
      return id;
    });
  }
}
