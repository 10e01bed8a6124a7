import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../core/viewer';
import { Role } from '../../entities/access/access.enums';
import type { CustomerGrowthGrouping, ReportGrain } from '../../entities/reports/reports.enums';
import type { Loaders } from '../read/loaders';
import { customerActivity } from './customer-activity';
import { customerComposition } from './customer-composition';
import { customerGrowth } from './customer-growth';
import { liabilities } from './liabilities';
import { reportPeriod } from './period';
import { reportScope } from './report-scope';
import { revenue } from './revenue';
import { rfmReport } from './rfm';
import { requestRfmSnapshot } from './rfm-snapshot';
import { retentionCohorts } from './cohorts';
import { visitFrequency } from './visit-frequency';
import { serviceRanking } from './service-ranking';
import { staffPerformance, visibleStaff } from './staff-performance';

/** What a client asks a period report for: local dates, both included. */
export interface PeriodArgument {
  from: string;
  to: string;
  grain?: ReportGrain | null;
}

/**
 * 数据分析与报表: each report a fixed number of plain SQL statements scoped to the viewer's
 * organization (the store's check, then one read), in the store's time zone or the organization's.
 */
export class ReportService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly loaders: Loaders,
  ) {}

  async customerGrowth(
    period: PeriodArgument,
    storeId?: string | null,
    groupBy?: CustomerGrowthGrouping | null,
  ) {
    const scope = await this.scope(storeId);
    return customerGrowth(this.em, scope, reportPeriod(period, scope.timeZone), groupBy ?? null);
  }

  async customerComposition(period: PeriodArgument, storeId?: string | null) {
    const scope = await this.scope(storeId);
    return customerComposition(this.em, scope, reportPeriod(period, scope.timeZone));
  }

  async customerActivity(storeId?: string | null) {
    return customerActivity(this.em, await this.scope(storeId));
  }

  async revenue(period: PeriodArgument, storeId?: string | null) {
    const scope = await this.scope(storeId);
    return revenue(this.em, scope, reportPeriod(period, scope.timeZone));
  }

  async serviceRanking(period: PeriodArgument, storeId?: string | null, first?: number | null) {
    const scope = await this.scope(storeId);
    return serviceRanking(this.em, scope, reportPeriod(period, scope.timeZone), first ?? undefined);
  }

  async liabilities() {
    return liabilities(this.em, await this.scope(null));
  }

  async staffPerformance(period: PeriodArgument, storeId?: string | null, staffId?: string | null) {
    const scope = await this.scope(storeId);
    const staff = visibleStaff(this.viewer, staffId);
    return staffPerformance(this.em, scope, reportPeriod(period, scope.timeZone), staff);
  }

  async rfm(options: {
    asOf?: string | null;
    storeId?: string | null;
    first?: number;
    after?: string | null;
  }) {
    // MARKETING never sees customers who opted out, in a report's list as in `customers`.
    return rfmReport(this.em, await this.scope(options.storeId), {
      ...options,
      hideOptedOut: this.viewer.role === Role.MARKETING,
    });
  }

  /** RFM 快照 on demand: the rfm-snapshot job recomputes it on its next run. */
  requestRfmSnapshot() {
    return requestRfmSnapshot(this.em, this.viewer.organizationId);
  }

  async retentionCohorts(from: string, to: string) {
    return retentionCohorts(this.em, await this.scope(null), { from, to });
  }

  async visitFrequency(period: PeriodArgument, storeId?: string | null) {
    const scope = await this.scope(storeId);
    return visitFrequency(this.em, scope, reportPeriod(period, scope.timeZone));
  }

  private scope(storeId?: string | null) {
    return reportScope(this.em, this.viewer, this.loaders, storeId);
  }
}
