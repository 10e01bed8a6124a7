import { Role } from '../entities/enums';
import { grant } from './grant';
import type { PolicyMap } from './policy-map';

const { OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, MARKETING, INTEGRATION } = Role;

const menuReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, MARKETING, INTEGRATION);
/** Therapists see nothing of money (PRODUCT.md). */
const priceReaders = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION);
const roomReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION);

const fields = (names: string[], fieldGrant: typeof menuReaders) =>
  Object.fromEntries(names.map((name) => [name, fieldGrant]));

/** Stock is read by the staff who handle it and the POS; costs only by OWNER and MANAGER. */
const stockReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION);

export const cataloguePolicy: PolicyMap = {
  Query: { services: menuReaders, rooms: roomReaders, lowStock: stockReaders },
  Product: {
    ...fields(['id', 'code', 'name', 'brand', 'spec', 'unit', 'lowStockThreshold', 'active'], stockReaders),
    price: grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION),
    cost: grant.roles(OWNER, MANAGER),
  },
  ProductStock: fields(['product', 'quantity', 'threshold'], stockReaders),
  ServiceItem: {
    ...fields(
      [
        'id',
        'code',
        'name',
        'category',
        'description',
        'durationMinutes',
        'bufferMinutes',
        'roomKind',
        'active',
        'contraindications',
      ],
      menuReaders,
    ),
    price: priceReaders,
  },
  ContraindicationTag: fields(['id', 'name', 'severity', 'description'], menuReaders),
  Room: fields(['id', 'name', 'kind', 'active'], roomReaders),
};
