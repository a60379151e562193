import type { BuyerIds, LineItem, Order, OrderLine, OrderStatus, Platform } from '../model';
import { detach } from '../customers';

/** How a later part of an order that was already emitted joins it (rows of one order far apart in a file). */
export type Continuation = 'items' | 'sum';

export interface FoldedOrder {
  order: Order;
  /** The column the buyer was identified by, when a fallback was needed. */
  buyerFrom?: string;
  /** Row numbers the order came from, for rejecting them together. */
  rows: number[];
  /** Set when this order id was emitted earlier in the same file. */
  continuation: Continuation | null;
}

/** One order in the making; rows of an order are usually adjacent, so only one is open at a time. */
class Draft {
  readonly buyer: BuyerIds = {};
  readonly items: LineItem[] = [];
  readonly rows: number[] = [];
  createdAt?: number;
  paidAt?: number;
  deliveredAt?: number;
  /** The first status, and the first that is neither refunded nor cancelled. */
  firstStatus?: OrderStatus;
  liveStatus?: OrderStatus;
  anyRefunded = false;
  totalMinor?: number;
  refundedMinor?: number;
  lineAmountMinor?: number;
  lineRefundedMinor = 0;
  currency?: string;
  isReturn = true;
  buyerFrom?: string;

  constructor(readonly orderId: string) {}

  add(line: OrderLine, row: number): void {
    this.rows.push(row);
    const buyer = this.buyer;
    buyer.id ??= line.buyer.id;
    buyer.email ??= line.buyer.email;
    buyer.name ??= line.buyer.name;
    buyer.phone ??= line.buyer.phone;
    this.buyerFrom ??= line.buyerFrom;
    this.createdAt ??= line.createdAt;
    this.paidAt ??= line.paidAt;
    this.deliveredAt ??= line.deliveredAt;
    const status = line.status;
    if (status) {
      this.firstStatus ??= status;
      if (status === 'refunded') this.anyRefunded = true;
      else if (status !== 'cancelled') this.liveStatus ??= status;
    }
    this.totalMinor ??= line.totalMinor;
    this.refundedMinor ??= line.refundedMinor;
    if (line.lineAmountMinor !== undefined) this.lineAmountMinor = (this.lineAmountMinor ?? 0) + line.lineAmountMinor;
    this.lineRefundedMinor += line.lineRefundedMinor ?? 0;
    this.currency ??= line.currency;
    if (!line.isReturn) this.isReturn = false;
    if (line.item) this.items.push(line.item);
  }

  /** Lines disagree on status when some were refunded: the order keeps the status of the rest. */
  resolvedStatus(): OrderStatus {
    return this.liveStatus ?? (this.anyRefunded ? 'refunded' : this.firstStatus) ?? 'completed';
  }
}

export interface FoldContext {
  platform: Platform;
  currency: string;
  importId: string;
  customerId(buyer: BuyerIds): string | undefined;
}

/** Folds row-level order lines into orders, emitting each when the next order starts. */
export class OrderFolder {
  private draft: Draft | null = null;
  private readonly emitted = new Set<string>();

  constructor(
    private readonly context: FoldContext,
    private readonly emit: (folded: FoldedOrder) => void,
    private readonly reject: (rows: number[], reason: string) => void,
  ) {}

  add(line: OrderLine, row: number): void {
    if (this.draft && this.draft.orderId !== line.orderId) this.flush();
    this.draft ??= new Draft(line.orderId);
    this.draft.add(line, row);
  }

  flush(): void {
    const draft = this.draft;
    if (!draft) return;
    this.draft = null;
    const continuation = this.emitted.has(draft.orderId);
    if (draft.createdAt === undefined && !continuation) {
      this.reject(draft.rows, `order ${draft.orderId} has line-item rows but no row with its date`);
      return;
    }
    const { platform, importId } = this.context;
    const id = this.context.customerId(draft.buyer);
    const fromLines = draft.totalMinor === undefined;
    const itemsTotal = draft.items.reduce((sum, item) => sum + Math.round(item.priceMinor * item.quantity), 0);
    const order: Order = {
      key: `${platform}:${draft.orderId}`,
      platform,
      orderId: draft.orderId,
      customerKey: id ? `${platform}:${id}` : null,
      buyer: draft.buyer,
      createdAt: draft.createdAt ?? 0,
      paidAt: draft.paidAt,
      deliveredAt: draft.deliveredAt,
      status: draft.resolvedStatus(),
      totalMinor: draft.totalMinor ?? draft.lineAmountMinor ?? itemsTotal,
      refundedMinor: draft.refundedMinor ?? draft.lineRefundedMinor,
      currency: draft.currency ?? this.context.currency,
      isReturn: draft.isReturn,
      items: draft.items,
      importId,
    };
    this.emitted.add(detach(draft.orderId));
    this.emit({ order, rows: draft.rows, continuation: continuation ? (fromLines ? 'sum' : 'items') : null, buyerFrom: id ? draft.buyerFrom : undefined });
  }
}

/** Joins a later part of an order into the part emitted before. */
export function mergeContinuation(earlier: Order, later: Order, how: Continuation): Order {
  const merged: Order = { ...earlier, items: [...earlier.items, ...later.items] };
  if (how === 'sum') {
    merged.totalMinor += later.totalMinor;
    merged.refundedMinor += later.refundedMinor;
    merged.isReturn = earlier.isReturn && later.isReturn;
  }
  merged.customerKey ??= later.customerKey;
  return merged;
}
