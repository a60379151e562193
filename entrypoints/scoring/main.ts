import { hostWorkerJobs } from '../../lib/background/worker-host';

hostWorkerJobs();
