import {
  MONEY_SELECTION,
  PERIOD_PARAMETERS,
  STORE_PARAMETER,
  type MoneyValue,
  type ReportExport,
} from './report-export.types';

/** 产品排行 export: the products used most in the period's visits. */

interface ProductRankingAnswer {
  productRanking: {
    productId: string;
    name: string;
    unit: string;
    uses: number;
    quantity: number;
    value: MoneyValue;
  }[];
}

export const productRankingExport: ReportExport<ProductRankingAnswer> = {
  name: 'productRanking',
  title: '产品排行',
  document: `query ExportProductRanking($period: ReportPeriodInput!, $storeId: ID, $first: Int) {
    productRanking(period: $period, storeId: $storeId, first: $first) {
      productId name unit uses quantity value ${MONEY_SELECTION} } }`,
  parameters: [...PERIOD_PARAMETERS, STORE_PARAMETER, { name: 'first', variable: ['first'], integer: true }],
  tables: [
    {
      key: 'ranking',
      title: '产品排行',
      columns: [
        { key: 'rank', header: '排名', kind: 'integer' },
        { key: 'name', header: '产品', kind: 'text' },
        { key: 'unit', header: '单位', kind: 'text' },
        { key: 'uses', header: '使用次数', kind: 'integer' },
        { key: 'quantity', header: '用量', kind: 'integer' },
        { key: 'value', header: '价值(按售价)', kind: 'money' },
      ],
      rows: ({ productRanking }) => productRanking.map((row, index) => ({ rank: index + 1, ...row })),
    },
  ],
  // Like serviceRanking, the answer carries no period: the file name takes the one GraphQL accepted.
  period: (_data, variables) => {
    const period = variables.period as { from: string; to: string };
    return [period.from, period.to];
  },
};
