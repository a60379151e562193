import { defineExtensionMessaging } from '@webext-core/messaging';

/** What the store holds, for the popup and the dashboard header. */
export interface StoreStatus {
  customers: number;
  orders: number;
  imports: number;
  lastImportAt: number | null;
}

/**
 * The one protocol map between the extension's contexts. Object payloads, one handler per type,
 * registered by the background's setUp* functions.
 */
interface ProtocolMap {
  // Store
  getStatus(data: Record<string, never>): StoreStatus;
  // Import
  importFinished(data: { importId: string }): void;
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
