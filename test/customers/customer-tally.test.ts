import { describeCustomerTally } from './customer-tally.scenario';

// The customers page's counts on the compiled read path (server/compiled-read).
describeCustomerTally(true);
