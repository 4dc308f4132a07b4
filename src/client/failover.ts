import type { TransportFactory } from './transport.js';

/**
 * One connection factory over several servers (the nodes of one Banter deployment): it tries
 * them in turn, starting with the one that worked last, so a ChatSession whose node went away
 * reconnects to another and catches up there.
 */
export function failover(factories: TransportFactory[]): TransportFactory {
  if (factories.length === 0) throw new Error('failover needs at least one server');
  let current = 0;
  return async () => {
    let lastError: unknown;
    for (let i = 0; i < factories.length; i++) {
      const at = (current + i) % factories.length;
      try {
        const transport = await factories[at]!();
        current = at;
        return transport;
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  };
}
