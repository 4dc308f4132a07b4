export { BanterClient, type ClientOptions } from './client.js';
export { BanterError } from './errors.js';
export type { Transport, TransportFactory } from './transport.js';
