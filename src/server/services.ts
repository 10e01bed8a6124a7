import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKeyService } from '../services/api-key.service';
import { AppointmentQueryService } from '../services/appointment-query.service';
import { AppointmentStatusService } from '../services/appointment-status.service';
import { AvailabilityService } from '../services/availability.service';
import { BookingService } from '../services/booking.service';
import { OrganizationSettingsService } from '../services/organization-settings.service';
import { StockQueryService } from '../services/stock-query.service';
import type { AuditService } from '../services/audit.service';
import { AuthService } from '../services/auth.service';
import { CustomerService } from '../services/customer.service';
import { CustomerQueryService } from '../services/customer-query.service';
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
}

export function createServices(
  em: EntityManager,
  viewer: Viewer | null,
  audit: AuditService,
  tokens: TokenService,
): Services {
  const requireViewer = (): Viewer => {
    // The shield refuses anonymous callers first; this keeps services safe if a rule is ever missing.
    if (!viewer) throw new ForbiddenError('Authentication required.');
    return viewer;
  };
  let customers: CustomerService | undefined;
  let customerQueries: CustomerQueryService | undefined;
  let health: HealthService | undefined;
  let apiKeys: ApiKeyService | undefined;
  let booking: BookingService | undefined;
  let appointmentStatus: AppointmentStatusService | undefined;
  let appointments: AppointmentQueryService | undefined;
  let visits: VisitQueryService | undefined;
  let availability: AvailabilityService | undefined;
  let stock: StockQueryService | undefined;
  let organizationSettings: OrganizationSettingsService | undefined;
  let visitRecording: VisitRecordingService | undefined;
  return {
    auth: new AuthService(em, tokens),
    get customers() {
      return (customers ??= new CustomerService(em, requireViewer(), audit));
    },
    get customerQueries() {
      return (customerQueries ??= new CustomerQueryService(em, requireViewer()));
    },
    get health() {
      return (health ??= new HealthService(em, requireViewer(), audit));
    },
    get apiKeys() {
      return (apiKeys ??= new ApiKeyService(em, requireViewer(), audit));
    },
    get booking() {
      return (booking ??= new BookingService(em, requireViewer(), audit));
    },
    get appointmentStatus() {
      return (appointmentStatus ??= new AppointmentStatusService(em, requireViewer(), audit));
    },
    get appointments() {
      return (appointments ??= new AppointmentQueryService(em, requireViewer()));
    },
    get visits() {
      return (visits ??= new VisitQueryService(em, requireViewer()));
    },
    get availability() {
      requireViewer();
      return (availability ??= new AvailabilityService(em));
    },
    get stock() {
      requireViewer();
      return (stock ??= new StockQueryService(em));
    },
    get organizationSettings() {
      return (organizationSettings ??= new OrganizationSettingsService(em, requireViewer(), audit));
    },
    get visitRecording() {
      return (visitRecording ??= new VisitRecordingService(em, requireViewer(), audit));
    },
  };
}
