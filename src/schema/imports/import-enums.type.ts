import { registerEnumType } from 'type-graphql';
import {
  HealthConsentMethod,
  ImportDuplicateReason,
  ImportEncoding,
  ImportField,
  ImportFormat,
  ImportMode,
  ImportRowOutcome,
  ImportStatus,
} from '../../entities/imports/imports.enums';

registerEnumType(ImportFormat, { name: 'ImportFormat' });
registerEnumType(ImportEncoding, {
  name: 'ImportEncoding',
  description: 'How a CSV is read: UTF8, or GB18030 (GBK too, what Chinese Excel writes).',
});
registerEnumType(ImportStatus, { name: 'ImportStatus', description: 'Where a customer import stands.' });
registerEnumType(ImportMode, { name: 'ImportMode' });
registerEnumType(ImportRowOutcome, { name: 'ImportRowOutcome', description: 'What became of one row.' });
registerEnumType(ImportDuplicateReason, { name: 'ImportDuplicateReason' });
registerEnumType(ImportField, {
  name: 'ImportField',
  description: 'What a column of an import file fills (IGNORE: nothing, and not reported as unknown).',
});
registerEnumType(HealthConsentMethod, {
  name: 'HealthConsentMethod',
  description: "How the customers' health-data consent was obtained (PIPL art. 29).",
});

export {
  HealthConsentMethod,
  ImportDuplicateReason,
  ImportEncoding,
  ImportField,
  ImportFormat,
  ImportMode,
  ImportRowOutcome,
  ImportStatus,
};
