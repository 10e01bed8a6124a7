import { registerEnumType } from 'type-graphql';
import * as enums from '../entities/enums';

registerEnumType(enums.Role, {
  name: 'Role',
  description: 'Role of the caller; INTEGRATION is a third-party system using an API key.',
});
registerEnumType(enums.StaffRole, { name: 'StaffRole', description: 'Role of a staff member (员工角色).' });
registerEnumType(enums.Gender, { name: 'Gender' });
registerEnumType(enums.CustomerSource, {
  name: 'CustomerSource',
  description: '客户来源: how the customer found us.',
});
registerEnumType(enums.CustomerStatus, {
  name: 'CustomerStatus',
  description:
    '档案状态: ACTIVE 活跃, DORMANT 休眠, LOST 流失 (derived from the last visit unless overridden).',
});
registerEnumType(enums.AllergyCategory, {
  name: 'AllergyCategory',
  description: 'What kind of substance (FHIR AllergyIntolerance.category).',
});
registerEnumType(enums.AllergyCriticality, {
  name: 'AllergyCriticality',
  description: 'Potential for a serious reaction (FHIR criticality).',
});
registerEnumType(enums.ReactionSeverity, { name: 'ReactionSeverity' });
registerEnumType(enums.VerificationStatus, {
  name: 'VerificationStatus',
  description: 'FHIR verificationStatus.',
});
registerEnumType(enums.ClinicalStatus, { name: 'ClinicalStatus', description: 'FHIR clinicalStatus.' });
registerEnumType(enums.SpecialConditionKind, {
  name: 'SpecialConditionKind',
  description:
    '特殊健康状况: PREGNANCY 孕期, BREASTFEEDING 哺乳期, MENSTRUATION 经期, POST_SURGERY 术后恢复, INJURY 外伤.',
});
registerEnumType(enums.TcmConstitution, {
  name: 'TcmConstitution',
  description:
    '体质辨识, the nine TCM constitutions: BALANCED 平和, QI_DEFICIENCY 气虚, YANG_DEFICIENCY 阳虚, YIN_DEFICIENCY 阴虚, ' +
    'PHLEGM_DAMPNESS 痰湿, DAMP_HEAT 湿热, BLOOD_STASIS 血瘀, QI_STAGNATION 气郁, SPECIAL_DIATHESIS 特禀.',
});
registerEnumType(enums.PressurePreference, {
  name: 'PressurePreference',
  description: '按摩力度: LIGHT 轻柔, MEDIUM 适中, FIRM 偏重.',
});
registerEnumType(enums.SkinType, { name: 'SkinType', description: '肤质' });
registerEnumType(enums.Level, { name: 'Level' });
registerEnumType(enums.Frequency, { name: 'Frequency' });
registerEnumType(enums.AuditAction, { name: 'AuditAction' });

export * from '../entities/enums';
registerEnumType(enums.ContraindicationSeverity, {
  name: 'ContraindicationSeverity',
  description: 'AVOID 禁用: must not be given; CAUTION 慎用: only after a health review.',
});
registerEnumType(enums.AppointmentStatus, {
  name: 'AppointmentStatus',
  description: '预约状态: BOOKED → CONFIRMED → ARRIVED (到店) → COMPLETED; or CANCELLED / NO_SHOW (爽约).',
});
registerEnumType(enums.BookingChannel, { name: 'BookingChannel', description: '预约渠道.' });
registerEnumType(enums.HealthFactKind, {
  name: 'HealthFactKind',
  description: 'The kind of health record a contraindication matched.',
});
registerEnumType(enums.VisitEffect, {
  name: 'VisitEffect',
  description:
    '服务效果: 症状缓解 SYMPTOM_RELIEF, 舒适 COMFORTABLE, 无明显变化 NO_NOTICEABLE_CHANGE, 不适 DISCOMFORT.',
});
registerEnumType(enums.StockMovementReason, {
  name: 'StockMovementReason',
  description: '入库 RECEIPT, 服务耗用 VISIT_USE, 盘点调整 ADJUSTMENT.',
});
registerEnumType(enums.ScheduleExceptionKind, {
  name: 'ScheduleExceptionKind',
  description: '请假 LEAVE (the whole day when no hours are given) or 加班 EXTRA_SHIFT.',
});
registerEnumType(enums.AccountKind, {
  name: 'AccountKind',
  description: '储值 STORED_VALUE, 积分 POINTS, 计次卡 PUNCH_CARD.',
});
registerEnumType(enums.AccountStatus, { name: 'AccountStatus' });
registerEnumType(enums.LedgerEntryKind, { name: 'LedgerEntryKind' });
registerEnumType(enums.CardProductKind, { name: 'CardProductKind' });
registerEnumType(enums.PaymentMethod, {
  name: 'PaymentMethod',
  description: '现金, 微信支付, 支付宝, 银行卡, 其他.',
});
registerEnumType(enums.SpendingOrder, { name: 'SpendingOrder' });
registerEnumType(enums.ContactChannel, {
  name: 'ContactChannel',
  description: '沟通方式: PHONE 电话, WECHAT 微信, FACE_TO_FACE 面谈, SMS 短信, EMAIL, OTHER.',
});
registerEnumType(enums.FollowUpStatus, { name: 'FollowUpStatus', description: '完成状态 of a follow-up.' });
registerEnumType(enums.CareTaskKind, { name: 'CareTaskKind', description: 'Why a care task exists.' });
registerEnumType(enums.CarePurpose, {
  name: 'CarePurpose',
  description: 'SERVICE tasks always happen; MARKETING tasks need consent and respect the frequency cap.',
});
registerEnumType(enums.ComplaintStatus, {
  name: 'ComplaintStatus',
  description: 'OPEN: not yet answered (24 h); RESPONDED: answered, solution pending (48 h); RESOLVED.',
});
registerEnumType(enums.ReportGrain, {
  name: 'ReportGrain',
  description: 'Buckets of a report series: DAY, WEEK (from Monday), MONTH (calendar months).',
});
registerEnumType(enums.RfmSegment, {
  name: 'RfmSegment',
  description:
    'RFM 客户分群: IMPORTANT_VALUE 重要价值, IMPORTANT_DEVELOPMENT 重要发展, IMPORTANT_RETENTION 重要保持, IMPORTANT_WINBACK 重要挽留, GENERAL_* 一般….',
});
registerEnumType(enums.CustomerGrowthGrouping, {
  name: 'CustomerGrowthGrouping',
  description: 'What customer growth is broken down by: SOURCE 客户来源, STORE 所属门店.',
});
