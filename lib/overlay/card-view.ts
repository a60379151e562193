import type { FollowUpStatus } from '../follow-ups';

/** Everything the history card shows, worded and formatted in the page's language by the background. */
export interface CardView {
  customerKey: string;
  buyerId: string;
  /** The currency the customer's money is in. */
  currency: string;
  tier: { label: string; colour: string } | null;
  badges: Array<{ label: string; colour: string }>;
  /** The birthday an export gave for the customer ("MM-DD"), or null. */
  birthday: string | null;
  /** Groups the models put the customer in: the lifecycle stage (客户生命周期), and the value × potential quadrant. */
  groups: Array<{ fact: string; value: string; label: string; colour: string; hint: string }>;
  /** Orders, net spend, 客单价, first and last order, cycle and due date, RFM, P(alive), CLV; `fact` names the source. */
  figures: Array<{ fact: string; label: string; value: string }>;
  /** Newest first; `amount` is formatted, `spend` in major units for the chart. */
  orders: Array<{ orderId: string; date: string; amount: string; spend: number; status: string }>;
  treatments: Array<{ label: string; detail: string | null }>;
  followUps: Array<{ id: string; label: string; channel: string; due: string; status: FollowUpStatus; message: string; coupon: string | null }>;
  /** Products the shop's customers often buy with what this customer bought, and they have not (关联推荐). */
  suggestions: Array<{ title: string; reason: string }>;
  /** What a member of the customer's tier is entitled to (会员权益). */
  benefits: Array<{ label: string; detail: string | null }>;
  /** What staff keep for the customer (their note, tags, do-not-contact); null when nothing. */
  notes: { note: string; tags: string[]; doNotContact: boolean } | null;
  text: {
    title: string;
    close: string;
    figures: string;
    orders: string;
    treatments: string;
    benefits: string;
    suggestions: string;
    followUps: string;
    none: string;
    done: string;
    snooze: string;
    reopen: string;
    openDashboard: string;
    chart: string;
    notes: string;
    doNotContact: string;
    editNotes: string;
    tags: string;
    note: string;
    save: string;
    saved: string;
  };
}
