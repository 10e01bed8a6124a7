import {
  MONEY_SELECTION,
  PERIOD_PARAMETERS,
  STORE_PARAMETER,
  type MoneyValue,
  type ReportExport,
} from './report-export.types';

/** 员工绩效 export: the service narrows THERAPIST and CONSULTANT to their own rows, as in GraphQL. */

interface StaffAnswer {
  staffPerformanceReport: {
    from: string;
    to: string;
    timeZone: string;
    therapists: {
      name: string;
      servicesPerformed: number;
      visits: number;
      revenueAttributed: MoneyValue;
      averageSatisfaction: number | null;
      customersServed: number;
      customersRebooked: number;
      rebookingRate: number;
      complaints: number;
      bookedMinutes: number;
      workingMinutes: number;
      utilisation: number | null;
    }[];
    consultants: { name: string; assignedCustomers: number; visits: number; spend: MoneyValue }[];
  };
}

export const staffPerformanceExport: ReportExport<StaffAnswer> = {
  name: 'staffPerformance',
  title: '员工绩效',
  document: `query ExportStaffPerformance($period: ReportPeriodInput!, $storeId: ID, $staffId: ID) {
    staffPerformanceReport(period: $period, storeId: $storeId, staffId: $staffId) {
      from to timeZone
      therapists { staffId name servicesPerformed visits revenueAttributed ${MONEY_SELECTION}
        averageSatisfaction customersServed customersRebooked rebookingRate complaints bookedMinutes
        workingMinutes utilisation }
      consultants { staffId name assignedCustomers visits spend ${MONEY_SELECTION} } } }`,
  parameters: [...PERIOD_PARAMETERS, STORE_PARAMETER, { name: 'staffId', variable: ['staffId'] }],
  tables: [
    {
      key: 'therapists',
      title: '美容师',
      columns: [
        { key: 'name', header: '姓名', kind: 'text' },
        { key: 'servicesPerformed', header: '服务项次', kind: 'integer' },
        { key: 'visits', header: '服务到店次数', kind: 'integer' },
        { key: 'revenueAttributed', header: '业绩(消耗)', kind: 'money' },
        { key: 'averageSatisfaction', header: '平均满意度', kind: 'decimal' },
        { key: 'customersServed', header: '服务客户数', kind: 'integer' },
        { key: 'customersRebooked', header: '回头客户数', kind: 'integer' },
        { key: 'rebookingRate', header: '回头率', kind: 'ratio' },
        { key: 'complaints', header: '投诉数', kind: 'integer' },
        { key: 'bookedMinutes', header: '预约分钟', kind: 'integer' },
        { key: 'workingMinutes', header: '排班分钟', kind: 'integer' },
        { key: 'utilisation', header: '利用率', kind: 'ratio' },
      ],
      rows: ({ staffPerformanceReport: report }) => report.therapists.map((row) => ({ ...row })),
    },
    {
      key: 'consultants',
      title: '顾问',
      columns: [
        { key: 'name', header: '姓名', kind: 'text' },
        { key: 'assignedCustomers', header: '负责客户数', kind: 'integer' },
        { key: 'visits', header: '客户到店次数', kind: 'integer' },
        { key: 'spend', header: '客户消耗', kind: 'money' },
      ],
      rows: ({ staffPerformanceReport: report }) => report.consultants.map((row) => ({ ...row })),
    },
  ],
  period: ({ staffPerformanceReport: report }) => [report.from, report.to],
};
