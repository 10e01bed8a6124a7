import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../core/viewer';
import type { Loaders } from '../read/loaders';
import type { PeriodArgument } from './report.service';
import { statusTransitions } from './status-transitions';

/** 状态流转 of customerActivityReport: the moves between ACTIVE, DORMANT and LOST in a period. */
export class StatusTransitionService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly loaders: Loaders,
  ) {}

  transitions(storeId: string | null, period: PeriodArgument) {
    return statusTransitions(this.em, this.viewer, this.loaders, storeId, period);
  }
}
