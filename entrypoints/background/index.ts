import { setUpOverlayMessages } from '../../lib/background/overlay';
import { setUpReminders } from '../../lib/background/reminders';
import { setUpRescore } from '../../lib/background/rescore';
import { setUpSites } from '../../lib/background/sites';
import { setUpStoreMessages } from '../../lib/background/store-messages';

export default defineBackground(() => {
  // Listeners first and synchronously: MV3 drops events whose listeners come after an await.
  setUpStoreMessages();
  setUpRescore();
  setUpOverlayMessages();
  setUpSites();
  setUpReminders();
});
