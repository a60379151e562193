import { NOTE_MAX } from '../db/customer-notes';
import type { FollowUpStatus } from '../follow-ups';
import type { CardView } from './card-view';
import { adoptSheet, sharedSheet } from './sheet';
import { rememberCard } from './inspect';

export const CARD_TAG = 'tm-card';

const CSS = `
:host { all: initial !important; position: absolute !important; z-index: 2147483646 !important; display: block !important;
  left: var(--tm-left) !important; top: var(--tm-top) !important; }
.tm-card { width: 380px; max-height: 70vh; overflow: auto; background: #fff; color: #222; border: 1px solid #d5d8dc; border-radius: 10px;
  box-shadow: 0 8px 28px rgba(0,0,0,.18); font: 13px/1.5 system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif; padding: 12px 14px; }
header { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
h2 { font-size: 15px; margin: 0 6px 0 0; }
h3 { font-size: 12px; color: #666; margin: 12px 0 4px; text-transform: none; }
.tm-pill { display: inline-block; padding: 0 7px; border-radius: 9px; color: #fff; font-size: 12px; }
.tm-close { margin-left: auto; border: 0; background: none; font-size: 18px; cursor: pointer; color: #666; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 0; }
dt { color: #666; } dd { margin: 0; font-variant-numeric: tabular-nums; }
table { width: 100%; border-collapse: collapse; font-size: 12px; } td { padding: 2px 4px; border-bottom: 1px solid #f0f0f0; }
td.tm-num { text-align: right; font-variant-numeric: tabular-nums; }
ul { margin: 0; padding-left: 16px; } li { margin: 2px 0; }
.tm-groups { list-style: none; padding: 0; margin: 8px 0 0; }
.tm-notes { margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 4px 6px; align-items: baseline; }
.tm-notes-edit { margin: 6px 0 0; }
.tm-notes-form label { display: block; margin: 6px 0 0; font-size: 12px; }
.tm-notes-form input, .tm-notes-form textarea { display: block; width: 100%; box-sizing: border-box; font: inherit; margin-top: 2px; }
.tm-notes-form[hidden] { display: none; }
.tm-error { color: #c0392b; }
.tm-do-not-contact { color: #b03a2e; }
.tm-tag { padding: 0 6px; border-radius: 8px; background: rgba(46, 134, 193, 0.15); font-size: 12px; }
.tm-note { flex-basis: 100%; margin: 2px 0 0; white-space: pre-wrap; }
.tm-follow-up { border: 1px solid #eee; border-radius: 6px; padding: 6px 8px; margin: 4px 0; list-style: none; }
.tm-follow-up[data-status="done"] { opacity: .6; }
.tm-muted { color: #777; }
button.tm-action { font: inherit; font-size: 12px; margin: 4px 6px 0 0; padding: 1px 8px; border: 1px solid #ccc; border-radius: 5px; background: #fafafa; cursor: pointer; }
button:focus-visible { outline: 2px solid #e4572e; outline-offset: 1px; }
svg { display: block; margin: 4px 0; }
/* Dark mode with the system: the page's own colours never reach in here. */
@media (prefers-color-scheme: dark) {
  .tm-card { background: #22252a; color: #e6e8eb; border-color: #3a3f47; box-shadow: 0 8px 28px rgba(0,0,0,.5); }
  h3, dt, .tm-muted, .tm-close { color: #a2a8b1; }
  td { border-bottom-color: #3a3f47; }
  .tm-follow-up { border-color: #3a3f47; }
  button.tm-action { background: #2c3036; color: #e6e8eb; border-color: #4a5059; }
}
`;

const cardSheet = sharedSheet(CSS);

/** A small DOM builder: every string goes in as text, never as markup. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string | null>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

function pill(text: string, colour: string, attributes: Record<string, string> = {}): HTMLSpanElement {
  const span = el('span', { class: 'tm-pill', ...attributes }, text);
  span.style.background = colour;
  return span;
}

/** Bars of spend per order, oldest to newest. */
/** What staff keep for the customer: do-not-contact first, then their tags and note, as text only. */
function notesOf(notes: NonNullable<CardView['notes']>, t: CardView['text']): HTMLElement {
  return el('div', { class: 'tm-notes', 'aria-label': t.notes },
    notes.doNotContact ? el('strong', { class: 'tm-do-not-contact' }, t.doNotContact) : null,
    ...notes.tags.map((tag) => el('span', { class: 'tm-tag' }, tag)),
    notes.note ? el('p', { class: 'tm-note' }, notes.note) : null);
}

/**
 * A disclosure with the note and tags to edit. Only trusted events open and save it, and keys
 * typed into it stop at the card, so the page's own key handlers (its shortcuts, a widget's
 * listener) neither fire nor see them as they bubble.
 */
function notesForm(notes: CardView['notes'], t: CardView['text'], save: (note: string, tags: string) => Promise<string | null>): HTMLElement {
  const toggle = el('button', { class: 'tm-action', type: 'button', 'data-action': 'notes', 'aria-expanded': 'false' }, t.editNotes);
  const tags = el('input', { type: 'text', class: 'tm-notes-tags', value: notes?.tags.join(', ') ?? '' });
  const note = el('textarea', { class: 'tm-notes-note', rows: '3', maxlength: String(NOTE_MAX) }, notes?.note ?? '');
  const status = el('span', { class: 'tm-muted tm-notes-status', role: 'status' });
  const submit = el('button', { class: 'tm-action', type: 'submit' }, t.save);
  const form = el('form', { class: 'tm-notes-form', hidden: '' },
    el('label', {}, t.tags, tags),
    el('label', {}, t.note, note),
    el('div', {}, submit, ' ', status));
  for (const type of ['keydown', 'keyup', 'keypress', 'input', 'beforeinput']) form.addEventListener(type, (event) => {
    // Escape still closes the card (its handler listens before the event gets here).
    event.stopPropagation();
  });
  toggle.addEventListener('click', (event) => {
    if (!event.isTrusted) return;
    const opening = form.hidden;
    form.hidden = !opening;
    toggle.setAttribute('aria-expanded', String(opening));
    if (opening) tags.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!event.isTrusted) return;
    status.textContent = '';
    const problem = await save(note.value, tags.value);
    status.textContent = problem ?? t.saved;
    status.classList.toggle('tm-error', problem !== null);
  });
  return el('div', { class: 'tm-notes-edit' }, toggle, form);
}

function chart(view: CardView): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const spends = view.orders.map((o) => Math.max(0, o.spend)).reverse();
  const width = 352;
  const height = 48;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', view.text.chart);
  const top = spends.reduce((m, v) => Math.max(m, v), 0) || 1;
  const slot = width / Math.max(spends.length, 1);
  spends.forEach((spend, i) => {
    const bar = document.createElementNS(ns, 'rect');
    const h = Math.max(2, (spend / top) * (height - 4));
    bar.setAttribute('x', String(i * slot + 1));
    bar.setAttribute('y', String(height - h));
    bar.setAttribute('width', String(Math.max(2, slot - 2)));
    bar.setAttribute('height', String(h));
    bar.setAttribute('fill', '#e4572e');
    svg.append(bar);
  });
  return svg;
}

export interface CardActions {
  load(customerKey: string): Promise<CardView | null>;
  setStatus(id: string, status: FollowUpStatus, snoozeDays?: number): Promise<FollowUpStatus>;
  openDashboard(customerKey: string): void;
  /** Saves the note and tags (comma-separated) written on the card: the notes as saved, or why not. */
  saveNotes(customerKey: string, note: string, tags: string): Promise<{ notes: NonNullable<CardView['notes']> } | { problem: string }>;
}

let open: { host: HTMLElement; badge: HTMLElement; pinned(): boolean; pin(): void; close(): void } | null = null;

/** How long a card opened by hovering stays once the mouse has left it and its badge. */
const LINGER_MS = 300;

/** Closes the card on the page, if one is open. */
export function closeCard(): void {
  open?.close();
}

/** Closes the card if it belongs to this badge: the badge is going, and its card must not outlive it. */
export function closeCardOf(badge: HTMLElement): void {
  if (open?.badge === badge) open.close();
}

/**
 * Opens the history card of a customer beside their badge: figures, a spend chart, orders, what to
 * do, follow-ups with done and snooze, and the way to the dashboard. One card at a time; Escape, the
 * close button or a click elsewhere closes it and gives focus back to the badge.
 *
 * Opened by hovering, the card leaves the focus where it was and closes when the mouse leaves it
 * and the badge; a click on the badge, or into the card, keeps it open as if clicked open.
 */
export async function openCard(badge: HTMLElement, customerKey: string, actions: CardActions, how: 'click' | 'hover' = 'click'): Promise<void> {
  if (open?.badge === badge) {
    if (how === 'click') open.pin();
    return;
  }
  // Hovering another badge never takes away a card the seller opened on purpose.
  if (how === 'hover' && open?.pinned()) return;
  closeCard();
  const view = await actions.load(customerKey);
  if (!view || !badge.isConnected) return;
  if (how === 'hover' && (!badge.matches(':hover') || open)) return;
  closeCard();
  const host = document.createElement(CARD_TAG);
  // Closed: the order ids, amounts and follow-ups in it are the seller's, not the page's to read.
  const shadow = host.attachShadow({ mode: 'closed' });
  adoptSheet(shadow, cardSheet);
  const t = view.text;
  const close = el('button', { class: 'tm-close', type: 'button', 'aria-label': t.close }, '×');

  const followUpItem = (f: CardView['followUps'][number]) => {
    const item = el('li', { class: 'tm-follow-up', 'data-follow-up': f.id, 'data-status': f.status },
      el('div', {}, el('strong', {}, f.label), ` · ${f.channel} · ${f.due}`),
      el('div', { class: 'tm-muted' }, f.message),
      f.coupon ? el('div', { class: 'tm-coupon' }, f.coupon) : null);
    const buttons = el('div');
    const render = (status: FollowUpStatus) => {
      item.setAttribute('data-status', status);
      buttons.replaceChildren();
      const act = (label: string, next: FollowUpStatus, days?: number) => {
        const button = el('button', { class: 'tm-action', type: 'button', 'data-action': next }, label);
        button.addEventListener('click', async (event) => {
          if (event.isTrusted) render(await actions.setStatus(f.id, next, days));
        });
        buttons.append(button);
      };
      if (status === 'open') {
        act(t.done, 'done');
        act(t.snooze, 'snoozed', 3);
      } else act(t.reopen, 'open');
    };
    render(f.status);
    item.append(buttons);
    return item;
  };

  // The note and tags, and a form to change them (opened and saved by the seller's own clicks and keys).
  const notesSlot = el('div', { class: 'tm-notes-slot' }, view.notes ? notesOf(view.notes, t) : null);
  const notesEditor = notesForm(view.notes, t, async (note, tags) => {
    const saved = await actions.saveNotes(customerKey, note, tags);
    if ('problem' in saved) return saved.problem;
    notesSlot.replaceChildren(notesOf(saved.notes, t));
    return null;
  });

  const dashboard = el('button', { class: 'tm-action', type: 'button', 'data-action': 'dashboard' }, t.openDashboard);
  dashboard.addEventListener('click', (event) => {
    if (event.isTrusted) actions.openDashboard(customerKey);
  });
  const card = el('section', { class: 'tm-card', role: 'dialog', 'aria-label': `${t.title}: ${view.buyerId}`, tabindex: '-1' },
    el('header', {}, el('h2', {}, view.buyerId), view.tier ? pill(view.tier.label, view.tier.colour) : null, ...view.badges.map((b) => pill(b.label, b.colour)), close),
    notesSlot,
    notesEditor,
    view.groups.length > 0 ? el('ul', { class: 'tm-groups' }, ...view.groups.map((g) => el('li', {}, pill(g.label, g.colour, { 'data-group': g.fact, 'data-value': g.value }), ' ', el('span', { class: 'tm-muted' }, g.hint)))) : null,
    el('h3', {}, t.figures),
    el('dl', {}, ...view.figures.flatMap((f) => [el('dt', {}, f.label), el('dd', { 'data-fact': f.fact }, f.value)])),
    el('h3', {}, t.orders),
    view.orders.length > 1 ? chart(view) : null,
    el('table', {}, el('tbody', {}, ...view.orders.map((o) => el('tr', { 'data-order': o.orderId }, el('td', {}, o.date), el('td', {}, o.orderId), el('td', { class: 'tm-num' }, o.amount), el('td', { class: 'tm-muted' }, o.status))))),
    view.suggestions.length > 0 ? el('h3', {}, t.suggestions) : null,
    view.suggestions.length > 0 ? el('ul', { class: 'tm-suggestions' }, ...view.suggestions.map((x) => el('li', {}, el('strong', {}, x.title), el('span', { class: 'tm-muted' }, ` — ${x.reason}`)))) : null,
    view.benefits.length > 0 ? el('h3', {}, t.benefits) : null,
    view.benefits.length > 0 ? el('ul', { class: 'tm-benefits' }, ...view.benefits.map((b) => el('li', {}, el('strong', {}, b.label), b.detail ? ` — ${b.detail}` : ''))) : null,
    el('h3', {}, t.treatments),
    view.treatments.length > 0 ? el('ul', {}, ...view.treatments.map((x) => el('li', {}, el('strong', {}, x.label), x.detail ? ` — ${x.detail}` : ''))) : el('p', { class: 'tm-muted' }, t.none),
    el('h3', {}, t.followUps),
    view.followUps.length > 0 ? el('ul', { class: 'tm-follow-ups' }, ...view.followUps.map(followUpItem)) : el('p', { class: 'tm-muted' }, t.none),
    dashboard,
  );
  shadow.append(card);

  const rect = badge.getBoundingClientRect();
  // Custom properties: `all: initial` on the host (against the page's rules) resets left and top but not these.
  host.style.setProperty('--tm-left', `${Math.max(8, Math.min(rect.left + scrollX, scrollX + innerWidth - 400))}px`);
  host.style.setProperty('--tm-top', `${rect.bottom + scrollY + 6}px`);
  document.body.append(host);

  let pinned = how === 'click';
  let lingering: ReturnType<typeof setTimeout> | null = null;
  const stay = () => {
    if (lingering !== null) clearTimeout(lingering);
    lingering = null;
  };
  const leave = () => {
    stay();
    if (!pinned) lingering = setTimeout(finish, LINGER_MS);
  };
  const pin = () => {
    pinned = true;
    stay();
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') finish();
  };
  const onPointer = (event: PointerEvent) => {
    if (!event.composedPath().includes(host) && !event.composedPath().includes(badge)) finish();
  };
  function finish() {
    stay();
    document.removeEventListener('keydown', onKey, true);
    document.removeEventListener('pointerdown', onPointer, true);
    for (const target of [host, badge]) {
      target.removeEventListener('pointerenter', stay);
      target.removeEventListener('pointerleave', leave);
    }
    host.remove();
    if (open?.host === host) {
      open = null;
      rememberCard(null);
    }
    // The focus goes back where it came from: a card opened by hovering never had it.
    if (pinned && badge.isConnected) badge.focus();
  }
  document.addEventListener('keydown', onKey, true);
  document.addEventListener('pointerdown', onPointer, true);
  for (const target of [host, badge]) {
    target.addEventListener('pointerenter', stay);
    target.addEventListener('pointerleave', leave);
  }
  host.addEventListener('pointerdown', pin);
  host.addEventListener('focusin', pin);
  close.addEventListener('click', finish);
  rememberCard({ host, shadow });
  open = {
    host,
    badge,
    pinned: () => pinned,
    pin() {
      pin();
      close.focus({ preventScroll: true });
    },
    close: finish,
  };
  if (pinned) close.focus({ preventScroll: true });
}
