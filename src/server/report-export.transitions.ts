import {
  PERIOD_PARAMETERS,
  PERIOD_SELECTION,
  STORE_PARAMETER,
  type PeriodAnswer,
  type ReportExport,
} from './report-export.types';

/** 状态流转 export: customerActivityReport's transitions in a period, one row of the four moves. */

interface TransitionsAnswer {
  customerActivityReport: {
    transitions: {
      period: PeriodAnswer;
      activeToDormant: number;
      dormantToLost: number;
      dormantToActive: number;
      lostToActive: number;
    };
  };
}

export const statusTransitionsExport: ReportExport<TransitionsAnswer> = {
  name: 'statusTransitions',
  title: '客户状态流转',
  document: `query ExportStatusTransitions($period: ReportPeriodInput!, $storeId: ID) {
    customerActivityReport(storeId: $storeId) {
      transitions(period: $period) { ${PERIOD_SELECTION} activeToDormant dormantToLost dormantToActive lostToActive } } }`,
  parameters: [...PERIOD_PARAMETERS, STORE_PARAMETER],
  tables: [
    {
      key: 'transitions',
      title: '客户状态流转',
      columns: [
        { key: 'from', header: '开始日期', kind: 'date' },
        { key: 'to', header: '结束日期', kind: 'date' },
        { key: 'activeToDormant', header: '活跃→沉睡', kind: 'integer' },
        { key: 'dormantToLost', header: '沉睡→流失', kind: 'integer' },
        { key: 'dormantToActive', header: '沉睡→活跃(唤醒)', kind: 'integer' },
        { key: 'lostToActive', header: '流失→活跃(回流)', kind: 'integer' },
      ],
      rows: ({ customerActivityReport: { transitions } }) => {
        const { period, ...moves } = transitions;
        return [{ from: period.from, to: period.to, ...moves }];
      },
    },
  ],
  period: ({ customerActivityReport: { transitions } }) => [transitions.period.from, transitions.period.to],
};
