/**
 * The part of eventemitter2 that json-rules-engine uses (`on` for a rule's onSuccess and
 * onFailure, `emitAsync` for its events), in its place in the bundles: eventemitter2 finds the
 * global object with `Function('return this')`, which store reviewers flag as eval, and adds
 * 18.6 kB to each bundle that holds the engine.
 *
 * A constructor function, not a class: json-rules-engine is compiled to ES5 and calls its
 * superclass as a function (`Parent.call(this)`), which a class forbids.
 */
type Listener = (...args: unknown[]) => unknown;

interface Emitter {
  listenersByEvent: Map<string, Listener[]>;
  on(event: string, listener: Listener): Emitter;
  addListener(event: string, listener: Listener): Emitter;
  removeListener(event: string, listener: Listener): Emitter;
  off(event: string, listener: Listener): Emitter;
  removeAllListeners(event?: string): Emitter;
  listeners(event: string): Listener[];
  emit(event: string, ...args: unknown[]): boolean;
  /** Every listener's result, awaited: json-rules-engine waits on it before the next step. */
  emitAsync(event: string, ...args: unknown[]): Promise<unknown[]>;
}

export const EventEmitter = function (this: Emitter) {
  this.listenersByEvent = new Map();
} as unknown as { new (): Emitter; prototype: Emitter };

Object.assign(EventEmitter.prototype, {
  on(this: Emitter, event: string, listener: Listener) {
    const list = this.listenersByEvent.get(event);
    if (list) list.push(listener);
    else this.listenersByEvent.set(event, [listener]);
    return this;
  },
  addListener(this: Emitter, event: string, listener: Listener) {
    return this.on(event, listener);
  },
  removeListener(this: Emitter, event: string, listener: Listener) {
    const list = this.listenersByEvent.get(event);
    const at = list ? list.indexOf(listener) : -1;
    if (at >= 0) list!.splice(at, 1);
    return this;
  },
  off(this: Emitter, event: string, listener: Listener) {
    return this.removeListener(event, listener);
  },
  removeAllListeners(this: Emitter, event?: string) {
    if (event === undefined) this.listenersByEvent.clear();
    else this.listenersByEvent.delete(event);
    return this;
  },
  listeners(this: Emitter, event: string) {
    return [...(this.listenersByEvent.get(event) ?? [])];
  },
  emit(this: Emitter, event: string, ...args: unknown[]) {
    const list = this.listenersByEvent.get(event);
    if (!list || list.length === 0) return false;
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  },
  emitAsync(this: Emitter, event: string, ...args: unknown[]) {
    const list = this.listenersByEvent.get(event) ?? [];
    return Promise.all([...list].map((listener) => listener.apply(this, args)));
  },
});

export { EventEmitter as EventEmitter2 };
export default EventEmitter;
