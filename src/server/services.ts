import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKeyService } from '../services/api-key.service';
import { AppointmentQueryService } from '../services/appointment-query.service';
import { AppointmentStatusService } from '../services/appointment-status.service';
import { AvailabilityService } from '../services/availability.service';
import { BookingService } from '../services/booking.service';
import { OrganizationSettingsService } from '../services/organization-settings.service';
import { ProductService } from '../services/product.service';
import { RoomService } from '../services/room.service';
import { ServiceItemService } from '../services/service-item.service';
import { StaffProfileService } from '../services/staff-profile.service';
import { StaffScheduleService } from '../services/staff-schedule.service';
import { StockChangeService } from '../services/stock-change.service';
import { StockQueryService } from '../services/stock-query.service';
import type { AuditService } from '../services/audit.service';
import { AuthService } from '../services/auth.service';
import { CheckoutService } from '../services/checkout.service';
import { CareTaskService } from '../services/care-task.service';
import { CommunicationService } from '../services/communication.service';
import { ComplaintService } from '../services/complaint.service';
import { ContactPreferenceService } from '../services/contact-preference.service';
import { HealthConsentService } from '../services/health-consent.service';
import { RuleTagService } from '../services/rule-tag.service';
import { SegmentService } from '../services/segment.service';
import { MembershipTierService } from '../services/membership-tier.service';
import { AccountService } from '../services/account.service';
import { CardProductService } from '../services/card-product.service';
import { LedgerQueryService } from '../services/ledger-query.service';
import { LedgerReversalService } from '../services/ledger-reversal.service';
import { MembershipService } from '../services/membership.service';
import { ContraindicationTagService } from '../services/contraindication-tag.service';
import { CustomerService } from '../services/customer.service';
import { CustomerQueryService } from '../services/customer-query.service';
import type { Loaders } from './loaders';
import { HealthService } from '../services/health.service';
import type { TokenService } from '../services/token.service';
import { VisitQueryService } from '../services/visit-query.service';
import { VisitRecordingService } from '../services/visit-recording.service';
import type { Viewer } from './viewer';
import { ForbiddenError } from './errors';

/** The services of one request, all bound to its EntityManager fork and viewer. */
export interface Services {
  auth: AuthService;
  customers: CustomerService;
  customerQueries: CustomerQueryService;
  health: HealthService;
  apiKeys: ApiKeyService;
  booking: BookingService;
  appointmentStatus: AppointmentStatusService;
  appointments: AppointmentQueryService;
  visits: VisitQueryService;
  availability: AvailabilityService;
  stock: StockQueryService;
  organizationSettings: OrganizationSettingsService;
  visitRecording: VisitRecordingService;
  contraindicationTags: ContraindicationTagService;
  serviceItems: ServiceItemService;
  rooms: RoomService;
  products: ProductService;
  stockChanges: StockChangeService;
  staffProfiles: StaffProfileService;
  staffSchedules: StaffScheduleService;
  cardProducts: CardProductService;
  membership: MembershipService;
  ledgerReversals: LedgerReversalService;
  ledgerQueries: LedgerQueryService;
  accounts: AccountService;
  membershipTiers: MembershipTierService;
  checkout: CheckoutService;
  careTasks: CareTaskService;
  communications: CommunicationService;
  complaints: ComplaintService;
  contactPreferences: ContactPreferenceService;
  healthConsent: HealthConsentService;
  segments: SegmentService;
  ruleTags: RuleTagService;
}

export function createServices(
  em: EntityManager,
  viewer: Viewer | null,
  audit: AuditService,
  tokens: TokenService,
  loaders: Loaders,
): Services {
  const requireViewer = (): Viewer => {
    // The shield refuses anonymous callers first; this keeps services safe if a rule is ever missing.
    if (!viewer) throw new ForbiddenError('Authentication required.');
    return viewer;
  };
  const made = new Map<string, unknown>();
  /** Each service is built on first use and at most once per request. */
  const once = <T>(name: string, make: () => T): T => {
    if (!made.has(name)) made.set(name, make());
    return made.get(name) as T;
  };
  /** Services that write: bound to the viewer and the request's audit trail. */
  const writer = <T>(
    name: string,
    Service: new (em: EntityManager, viewer: Viewer, audit: AuditService) => T,
  ) => once(name, () => new Service(em, requireViewer(), audit));
  return {
    auth: new AuthService(em, tokens, audit),
    get customers() {
      return writer('customers', CustomerService);
    },
    get customerQueries() {
      return once('customerQueries', () => new CustomerQueryService(em, requireViewer(), loaders));
    },
    get health() {
      return writer('health', HealthService);
    },
    get apiKeys() {
      return writer('apiKeys', ApiKeyService);
    },
    get booking() {
      return writer('booking', BookingService);
    },
    get appointmentStatus() {
      return writer('appointmentStatus', AppointmentStatusService);
    },
    get appointments() {
      return once('appointments', () => new AppointmentQueryService(em, requireViewer()));
    },
    get visits() {
      return once('visits', () => new VisitQueryService(em, requireViewer()));
    },
    get availability() {
      requireViewer();
      return once('availability', () => new AvailabilityService(em));
    },
    get stock() {
      requireViewer();
      return once('stock', () => new StockQueryService(em));
    },
    get organizationSettings() {
      return writer('organizationSettings', OrganizationSettingsService);
    },
    get visitRecording() {
      return writer('visitRecording', VisitRecordingService);
    },
    get contraindicationTags() {
      return writer('contraindicationTags', ContraindicationTagService);
    },
    get serviceItems() {
      return writer('serviceItems', ServiceItemService);
    },
    get rooms() {
      return writer('rooms', RoomService);
    },
    get products() {
      return writer('products', ProductService);
    },
    get stockChanges() {
      return writer('stockChanges', StockChangeService);
    },
    get staffProfiles() {
      return writer('staffProfiles', StaffProfileService);
    },
    get staffSchedules() {
      return writer('staffSchedules', StaffScheduleService);
    },
    get cardProducts() {
      return writer('cardProducts', CardProductService);
    },
    get membership() {
      return once('membership', () => new MembershipService(em, requireViewer()));
    },
    get ledgerReversals() {
      return once('ledgerReversals', () => new LedgerReversalService(em, requireViewer()));
    },
    get ledgerQueries() {
      return once('ledgerQueries', () => new LedgerQueryService(em, requireViewer()));
    },
    get accounts() {
      return writer('accounts', AccountService);
    },
    get membershipTiers() {
      return writer('membershipTiers', MembershipTierService);
    },
    get checkout() {
      return once('checkout', () => new CheckoutService(em, requireViewer()));
    },
    get careTasks() {
      return writer('careTasks', CareTaskService);
    },
    get communications() {
      return writer('communications', CommunicationService);
    },
    get complaints() {
      return writer('complaints', ComplaintService);
    },
    get contactPreferences() {
      return writer('contactPreferences', ContactPreferenceService);
    },
    get healthConsent() {
      return writer('healthConsent', HealthConsentService);
    },
    get segments() {
      return writer('segments', SegmentService);
    },
    get ruleTags() {
      return writer('ruleTags', RuleTagService);
    },
  };
}
