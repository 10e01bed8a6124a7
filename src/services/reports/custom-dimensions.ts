import { AllergyCategory, SpecialConditionKind, TcmConstitution } from '../../entities/health/health.enums';
import { CustomerSource, Gender } from '../../entities/customers/customers.enums';
import type { DimensionSpec, FactCode } from './custom-catalogue';
import { SOURCE_LABELS } from './customer-growth';

const ALL_PERIOD_FACTS: FactCode[] = ['newCustomers', 'visits', 'lines', 'settlements', 'cash', 'productUse'];
const ALL_FACTS: FactCode[] = ['customers', ...ALL_PERIOD_FACTS];
const LINE_FACTS: FactCode[] = ['lines', 'productUse'];

const GENDER_LABELS: Record<string, string> = {
  FEMALE: '女',
  MALE: '男',
  OTHER: '其他',
  UNKNOWN: '未填写',
};
const AGE_BAND_LABELS: Record<string, string> = {
  UNDER_25: '25岁以下',
  FROM_25_TO_34: '25–34岁',
  FROM_35_TO_44: '35–44岁',
  FROM_45_TO_54: '45–54岁',
  FROM_55: '55岁及以上',
  UNKNOWN: '未填写',
};
const CONSTITUTION_LABELS: Record<string, string> = {
  BALANCED: '平和质',
  QI_DEFICIENCY: '气虚质',
  YANG_DEFICIENCY: '阳虚质',
  YIN_DEFICIENCY: '阴虚质',
  PHLEGM_DAMPNESS: '痰湿质',
  DAMP_HEAT: '湿热质',
  BLOOD_STASIS: '血瘀质',
  QI_STAGNATION: '气郁质',
  SPECIAL_DIATHESIS: '特禀质',
  NOT_RECORDED: '未记录',
};
const ALLERGY_LABELS: Record<string, string> = {
  FOOD: '食物',
  DRUG: '药物',
  ESSENTIAL_OIL: '精油',
  COSMETIC: '化妆品',
  ENVIRONMENT: '环境',
  OTHER: '其他',
  NONE: '无过敏记录',
  NOT_RECORDED: '未记录',
};
const SPECIAL_LABELS: Record<string, string> = {
  PREGNANCY: '孕期',
  BREASTFEEDING: '哺乳期',
  MENSTRUATION: '经期',
  POST_SURGERY: '术后',
  INJURY: '受伤',
  OTHER: '其他',
  NONE: '无',
  NOT_RECORDED: '未记录',
};

/** 自定义报表 dimensions: a key fragment over the fact's columns and the joins it needs. */
export const DIMENSIONS: Record<string, DimensionSpec> = {
  period: {
    label: '时间',
    description:
      "The bucket of the row's time (its first day) at the report's grain, organization's time zone.",
    facts: ALL_PERIOD_FACTS,
    key: `to_char(date_trunc(?, f.at at time zone ?), 'YYYY-MM-DD')`,
    keyValues: 'grain',
    joins: [],
  },
  store: {
    label: '门店',
    description:
      "The visit's store, where a card sale was posted, a customer's home store; NONE without one.",
    facts: ALL_FACTS,
    key: `coalesce(f.store_id::text, 'NONE')`,
    labelSql: `coalesce(st.name, '未指定门店')`,
    joins: ['store'],
    filter: 'uuid',
  },
  source: {
    label: '客户来源',
    description: "The customer's source (CustomerSource); UNKNOWN when not recorded.",
    facts: ALL_FACTS,
    key: `coalesce(c.source::text, 'UNKNOWN')`,
    labels: SOURCE_LABELS,
    joins: ['customer'],
    values: [...Object.values(CustomerSource), 'UNKNOWN'],
    filter: 'enum',
  },
  tier: {
    label: '会员等级',
    description: "The customer's tier now; NONE without one.",
    facts: ALL_FACTS,
    key: `coalesce(c.tier_id::text, 'NONE')`,
    labelSql: `coalesce(t.name, '无等级')`,
    joins: ['customer', 'tier'],
    filter: 'uuid',
  },
  gender: {
    label: '性别',
    description: "The customer's gender; UNKNOWN when not recorded.",
    facts: ALL_FACTS,
    key: `coalesce(c.gender::text, 'UNKNOWN')`,
    labels: GENDER_LABELS,
    joins: ['customer'],
    values: [...Object.values(Gender), 'UNKNOWN'],
    filter: 'enum',
  },
  ageBand: {
    label: '年龄段',
    description:
      "The customer's age today (whole years, organization's time zone): UNDER_25 … FROM_55, UNKNOWN.",
    facts: ALL_FACTS,
    key: `case when c.birthday is null then 'UNKNOWN' else (array['UNDER_25','FROM_25_TO_34','FROM_35_TO_44','FROM_45_TO_54','FROM_55'])[width_bucket(extract(year from age(?::date, c.birthday)), array[25,35,45,55]::numeric[]) + 1] end`,
    keyValues: 'today',
    labels: AGE_BAND_LABELS,
    joins: ['customer'],
    values: Object.keys(AGE_BAND_LABELS),
    filter: 'enum',
  },
  service: {
    label: '服务项目',
    description: 'The service of the visit line.',
    facts: LINE_FACTS,
    key: `f.service_id::text`,
    labelSql: `si.name`,
    joins: ['service'],
    filter: 'uuid',
  },
  serviceCategory: {
    label: '项目类别',
    description: "The service's category, as the catalogue names it.",
    facts: LINE_FACTS,
    key: `si.category`,
    joins: ['service'],
    filter: 'text',
  },
  therapist: {
    label: '技师',
    description: 'Who gave the visit line.',
    facts: LINE_FACTS,
    key: `f.therapist_id::text`,
    labelSql: `tu.display_name`,
    joins: ['therapist'],
    filter: 'uuid',
  },
  product: {
    label: '产品',
    description: 'The product used on the visit line.',
    facts: ['productUse'],
    key: `f.product_id::text`,
    labelSql: `pd.name`,
    joins: ['product'],
    filter: 'uuid',
  },
  constitution: {
    label: '体质',
    description:
      'Health: the primary TCM constitution; NOT_RECORDED without one or when health consent was withdrawn.',
    facts: ALL_FACTS,
    // Sealed at rest: grouped by its blind index, mapped back to the value by the `?` (custom-query.ts).
    key: `case when c.health_consent_withdrawn_at is not null or hp.constitution_index is null then 'NOT_RECORDED' else coalesce(?::jsonb ->> hp.constitution_index, 'NOT_RECORDED') end`,
    keyValues: 'constitution',
    labels: CONSTITUTION_LABELS,
    joins: ['customer', 'healthProfile'],
    health: true,
    values: [...Object.values(TcmConstitution), 'NOT_RECORDED'],
  },
  allergyCategory: {
    label: '过敏类别',
    description:
      'Health: each category of the active, not refuted allergies (a customer with two is in both rows); NONE without one.',
    facts: ALL_FACTS,
    key: `ha.category`,
    labels: ALLERGY_LABELS,
    joins: ['customer', 'allergies'],
    health: true,
    values: [...Object.values(AllergyCategory), 'NONE', 'NOT_RECORDED'],
  },
  specialCondition: {
    label: '特殊状况',
    description:
      'Health: each kind of special condition current today (孕期, 哺乳期 …; a customer may be in several rows); NONE without one.',
    facts: ALL_FACTS,
    key: `hs.kind`,
    labels: SPECIAL_LABELS,
    joins: ['customer', 'specialConditions'],
    health: true,
    values: [...Object.values(SpecialConditionKind), 'NONE', 'NOT_RECORDED'],
  },
};
