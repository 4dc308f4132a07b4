/** A minimal typed event emitter that runs in Node and the browser alike. */
export class Emitter<Events extends object> {
  private readonly handlers = new Map<keyof Events, Set<(value: never) => void>>();

  on<K extends keyof Events>(event: K, handler: (value: Events[K]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as (value: never) => void);
    return () => set.delete(handler as (value: never) => void);
  }

  protected emit<K extends keyof Events>(event: K, value: Events[K]): void {
    for (const handler of this.handlers.get(event) ?? []) (handler as (v: Events[K]) => void)(value);
  }
}
