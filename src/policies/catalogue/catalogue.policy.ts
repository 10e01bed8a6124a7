import { Role } from '../../entities/access/access.enums';
import { grant } from '../grant';
import { fieldsOf, type PolicyMap } from '../policy-map';

const { OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, MARKETING, INTEGRATION } = Role;

const menuReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, MARKETING, INTEGRATION);
/** Therapists see nothing of money (PRODUCT.md). */
const priceReaders = grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, MARKETING, INTEGRATION);
const roomReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION);
/** What a tag matches is for the staff who book and serve; not for marketing or a POS. */
const tagRuleReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK);
/** Stock is read by the staff who handle it and the POS; costs only by OWNER and MANAGER. */
const stockReaders = grant.roles(OWNER, MANAGER, CONSULTANT, THERAPIST, FRONT_DESK, INTEGRATION);
const costReaders = grant.roles(OWNER, MANAGER);
/** The catalogue is managed by the owner and store managers. */
const managers = grant.writers(OWNER, MANAGER);
/** Stock arrives at the front desk, so receipts are theirs too; corrections are not. */
const receivers = grant.writers(OWNER, MANAGER, FRONT_DESK);

export const cataloguePolicy: PolicyMap = {
  Query: {
    services: menuReaders,
    service: menuReaders,
    contraindicationTags: menuReaders,
    rooms: roomReaders,
    lowStock: stockReaders,
    products: stockReaders,
    product: stockReaders,
    stockMovements: grant.roles(OWNER, MANAGER, FRONT_DESK),
  },
  Mutation: {
    ...fieldsOf(
      [
        'createService',
        'updateService',
        'setServiceActive',
        'createContraindicationTag',
        'updateContraindicationTag',
        'deleteContraindicationTag',
        'createRoom',
        'updateRoom',
        'createProduct',
        'updateProduct',
        'setProductActive',
        'adjustStock',
        'setStockThreshold',
      ],
      managers,
    ),
    receiveStock: receivers,
  },
  Product: {
    ...fieldsOf(
      ['id', 'code', 'name', 'brand', 'spec', 'unit', 'lowStockThreshold', 'active', 'stocks'],
      stockReaders,
    ),
    price: grant.roles(OWNER, MANAGER, CONSULTANT, FRONT_DESK, INTEGRATION),
    cost: costReaders,
    version: grant.roles(OWNER, MANAGER),
  },
  ProductStock: fieldsOf(['product', 'store', 'quantity', 'threshold', 'storeThreshold'], stockReaders),
  StockMovement: fieldsOf(
    ['id', 'product', 'delta', 'reason', 'note', 'visitId', 'recordedBy', 'createdAt'],
    grant.roles(OWNER, MANAGER, FRONT_DESK),
  ),
  StockMovementConnection: fieldsOf(
    ['edges', 'pageInfo', 'totalCount'],
    grant.roles(OWNER, MANAGER, FRONT_DESK),
  ),
  StockMovementEdge: fieldsOf(['cursor', 'node'], grant.roles(OWNER, MANAGER, FRONT_DESK)),
  ProductConnection: fieldsOf(['edges', 'pageInfo', 'totalCount'], stockReaders),
  ProductEdge: fieldsOf(['cursor', 'node'], stockReaders),
  ServiceItem: {
    ...fieldsOf(
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
    version: grant.roles(OWNER, MANAGER),
  },
  ContraindicationTag: {
    ...fieldsOf(['id', 'name', 'severity', 'description'], menuReaders),
    ...fieldsOf(['specialConditionKinds', 'allergyCategories', 'keywords'], tagRuleReaders),
  },
  Room: fieldsOf(['id', 'name', 'kind', 'active'], roomReaders),
};
