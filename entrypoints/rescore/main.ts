import { hostRescore } from '../../lib/background/rescore-host';

hostRescore();
