import type { BuyerIds, LineItem, Order, OrderLine, OrderStatus, Platform } from '../model';
import { detach } from '../customers';
import { fnv1a } from '../hash';
import { both, type Localised } from '../localised';

/** How a later part of an order that was already emitted joins it (rows of one order far apart in a file). */
export type Continuation = 'items' | 'sum';

export interface FoldedOrder {
  order: Order;
  /** The column the buyer was identified by, when a fallback was needed. */
  buyerFrom?: string;
  /** Its status was read as a cash-on-delivery purchase. */
  cashOnDelivery?: boolean;
  /** A status text the format did not know, read as its default. */
  unknownStatus?: string;
  /** A birthday cell that is no date. */
  unreadBirthday?: string;
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
  cashOnDelivery = false;
  unknownStatus?: string;
  externalId?: string;
  unreadBirthday?: string;

  constructor(readonly orderId: string) {}

  add(line: OrderLine, row: number): void {
    this.rows.push(row);
    const buyer = this.buyer;
    buyer.id ??= line.buyer.id;
    buyer.email ??= line.buyer.email;
    buyer.name ??= line.buyer.name;
    buyer.phone ??= line.buyer.phone;
    buyer.birthday ??= line.buyer.birthday;
    this.unreadBirthday ??= line.unreadBirthday;
    this.buyerFrom ??= line.buyerFrom;
    if (line.cashOnDelivery) this.cashOnDelivery = true;
    this.unknownStatus ??= line.unknownStatus;
    this.externalId ??= line.externalId;
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
  /** The shop's id: the prefix of its order and customer keys. */
  shop: string;
  currency: string;
  importId: string;
  customerId(buyer: BuyerIds): string | undefined;
}

const NO_BUYER = -1;

/** Folds row-level order lines into orders, emitting each when the next order starts. */
export class OrderFolder {
  private draft: Draft | null = null;
  /** Order ids emitted so far, each with a hash of the buyer it was for (NO_BUYER for none): a number, so a big file's map stays small. */
  private readonly emitted = new Map<string, number>();

  constructor(
    private readonly context: FoldContext,
    private readonly emit: (folded: FoldedOrder) => void,
    private readonly reject: (rows: number[], reason: Localised) => void,
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
    const earlier = this.emitted.get(draft.orderId);
    const continuation = earlier !== undefined;
    if (draft.createdAt === undefined && !continuation) {
      this.reject(draft.rows, both(`order ${draft.orderId} has line-item rows but no row with its date`, `订单 ${draft.orderId} 有商品明细行，但没有带日期的行`));
      return;
    }
    const { platform, shop, importId } = this.context;
    const id = this.context.customerId(draft.buyer);
    // 30 bits: a small integer in V8, so a million orders' map holds no boxed numbers.
    const buyer = id === undefined ? NO_BUYER : fnv1a(id) & 0x3fffffff;
    if (earlier !== undefined && earlier !== NO_BUYER && buyer !== NO_BUYER && buyer !== earlier) {
      // Two stores' exports in one file reuse order numbers: joining them would merge two buyers' orders.
      this.reject(
        draft.rows,
        both(
          `order ${draft.orderId} appears again, for another buyer (${id}) than on its first rows: two shops' exports in one file? Import each shop's file into its own shop.`,
          `订单 ${draft.orderId} 再次出现，但买家（${id}）与前面的行不同：一个文件里有两个店铺的导出？请把每个店铺的文件导入各自的店铺。`,
        ),
      );
      return;
    }
    const fromLines = draft.totalMinor === undefined;
    const itemsTotal = draft.items.reduce((sum, item) => sum + Math.round(item.priceMinor * item.quantity), 0);
    const order: Order = {
      key: `${shop}:${draft.orderId}`,
      platform,
      orderId: draft.orderId,
      customerKey: id ? `${shop}:${id}` : null,
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
      ...(draft.externalId ? { externalId: draft.externalId } : {}),
    };
    if (earlier === undefined || earlier === NO_BUYER) this.emitted.set(detach(draft.orderId), buyer);
    this.emit({ order, rows: draft.rows, continuation: continuation ? (fromLines ? 'sum' : 'items') : null, buyerFrom: id ? draft.buyerFrom : undefined, cashOnDelivery: draft.cashOnDelivery || undefined, unknownStatus: draft.unknownStatus, unreadBirthday: draft.unreadBirthday });
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
