import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { join, resolve } from 'node:path';
import type { Logger as PinoLogger } from 'pino';
import { LocalBus } from './bus/local/local-bus.js';
import { LocalPresence } from './bus/local/local-presence.js';
import type { Bus, Presence } from './bus/port.js';
import { BusUnavailableError, InvalidPrefixError, openRedis } from './bus/redis/connect.js';
import { ChatService } from './core/chat-service.js';
import { DEFAULT_CORE_CONFIG, type CoreConfig } from './core/config.js';
import { defaultLoginReserve } from './core/connection-limits.js';
import { FILE_LINK_SECRET, FileLinks, newFileLinkKey } from './core/file-links.js';
import type { Peer } from './core/peer.js';
import { createMetrics } from './metrics.js';
import { ProtocolError } from '../protocol/index.js';
import { ConfigError, type ServerConfig } from './config.js';
import { DiskFileStore } from './store/files/disk-file-store.js';
import { DuplicateUserError, InvalidSchemaNameError, SchemaTooNewError, StoreUnavailableError, redact } from './store/errors.js';
import type { Store } from './store/port.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { fileRoutes } from './transports/file-routes.js';
import { webClientRoutes } from './transports/web-client-routes.js';
import { HttpTransport } from './transports/http-transport.js';
import { AddressLimits } from './transports/address-limits.js';
import { metricsAccess } from './transports/metrics-access.js';
import { MetricsServer } from './transports/metrics-server.js';
import { TcpTransport } from './transports/tcp-transport.js';
import { WebSocketTransport } from './transports/websocket-transport.js';
import { IrcGateway } from './transports/irc/gateway.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface RunningServer {
  tcpPort: number;
  httpPort: number;
  /** The IRC gateway's port, when --irc-port is set. */
  ircPort?: number;
  /** The port of /metrics, when --metrics-port is set. */
  metricsPort?: number;
  chat: ChatService;
  /** Graceful stop: no new connections, pending writes committed, clients told, database closed. */
  stop(reason?: string): Promise<void>;
}

/**
 * Wires one node: the store (embedded SQLite, or a shared PostgreSQL), the bus and presence
 * (in-process, or Redis shared by every node), TCP and HTTP/WebSocket.
 */
export async function startServer(config: ServerConfig, logger: PinoLogger): Promise<RunningServer> {
  const tls = loadTls(config);
  const dataDir = prepareDataDir(config.data);
  const store = await openStore(dataDir, config);
  let bus: Bus, presence: Presence;
  let fileLinks: FileLinks;
  try {
    // In the store, not a file: every node of a shared database signs and checks with one key.
    fileLinks = new FileLinks(await store.secrets.getOrCreate(FILE_LINK_SECRET, newFileLinkKey()));
    ({ bus, presence } = await openBus(config, logger));
  } catch (err) {
    await store.close();
    throw err;
  }
  const metrics = createMetrics(() => ({ tcp: tcp.connections, ws: websocket.connections, irc: irc?.connections ?? 0 }));
  const chat = new ChatService({ store, bus, presence, config: coreConfig(config), logger, metrics: metrics.chat, fileLinks });
  const connect = (peer: Peer) => chat.connect(peer);
  const maxOutboundBytes = config.maxOutboundKib * 1024;
  const addresses = new AddressLimits(config.maxConnectionsPerAddress, config.trustedProxies ?? []);
  const tcp = new TcpTransport(connect, { host: config.host, port: config.port, maxOutboundBytes, tls, addresses }, logger);
  const websocket = new WebSocketTransport(connect, { maxOutboundBytes }, logger);
  const blobs = new DiskFileStore(join(dataDir, 'files'));
  const files = fileRoutes({
    accounts: chat.accounts, files: chat.files, fileLinks, blobs, maxUploadBytes: Math.floor(config.maxUploadMib * 1024 * 1024),
    quotaBytes: Math.floor(config.uploadQuotaMib * 1024 * 1024),
    uploadsPerMinute: config.uploadsPerMinute,
    uploadsInFlight: config.uploadsInFlight,
    logger,
  });
  let irc: IrcGateway | undefined;
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : new MetricsServer({ host: config.metricsHost, port: config.metricsPort, registry: metrics.registry, access: metricsAccess(config.metricsToken, true) });
  const http = new HttpTransport({
    host: config.host,
    port: config.httpPort,
    websocket,
    metrics: metrics.registry,
    metricsAccess: metricsServer ? false : metricsAccess(config.metricsToken),
    routes: [files, webClientRoutes(config.webRoot)],
    routesHandleNotFound: true,
    tls,
    addresses,
    headersTimeoutMs: config.httpHeadersTimeout * 1000,
    allowedOrigins: [...(config.allowedOrigins ?? []), ...(config.publicUrl ? [new URL(config.publicUrl).origin] : [])],
    logger,
  });

  const abandon = async (): Promise<void> => {
    chat.shutdown();
    await Promise.allSettled([tcp.close(), http.close(), irc?.close(), metricsServer?.close()]);
    await presence.close();
    await bus.close();
    await store.close();
  };
  let tcpAddress, httpAddress, ircAddress, metricsAddress;
  try {
    tcpAddress = await tcp.listen().catch((err: unknown) => Promise.reject(listenError(err, config.host, config.port, '--port / BANTER_PORT')));
    httpAddress = await http.listen().catch((err: unknown) => Promise.reject(listenError(err, config.host, config.httpPort, '--http-port / BANTER_HTTP_PORT')));
    chat.httpPort = httpAddress.port;
    metricsAddress = await metricsServer?.listen().catch((err: unknown) => Promise.reject(listenError(err, config.metricsHost, config.metricsPort!, '--metrics-port / BANTER_METRICS_PORT')));
    if (config.ircPort !== undefined) {
      const publicUrl = config.publicUrl ?? `${tls ? 'https' : 'http'}://${urlHost(config.host)}:${httpAddress.port}`;
      const ircLinkMs = config.fileLinkDays * 24 * 3600_000;
      const fileLink = (id: string): string => `${publicUrl.replace(/\/+$/, '')}${fileLinks.link(id, 'file', ircLinkMs).path}`;
      irc = new IrcGateway(chat, { host: config.host, port: config.ircPort, maxOutboundBytes, fileLink, version: VERSION, serverName: config.ircServerName, tls, addresses }, logger);
      ircAddress = await irc.listen().catch((err: unknown) => Promise.reject(listenError(err, config.host, config.ircPort!, '--irc-port / BANTER_IRC_PORT')));
    }
    if (!config.skipAdminBootstrap) {
      const skeletons = await chat.accounts.backfillSkeletons();
      if (skeletons.filled > 0) logger.info({ users: skeletons.filled }, 'stored the look-alike skeletons of user names from before they were kept');
      if (skeletons.clashes.length > 0) logger.warn({ users: skeletons.clashes }, 'these user names look like older ones; they keep working, but consider renaming them');
      await bootstrapAdmin(chat, config, logger);
    }
  } catch (err) {
    await abandon();
    throw err;
  }
  const topology = { store: config.store === 'sqlite' ? 'sqlite' : redact(config.store), bus: redact(config.bus) };
  logger.info({ tcp: { host: tcpAddress.address, port: tcpAddress.port }, http: { host: httpAddress.address, port: httpAddress.port }, irc: ircAddress && { host: ircAddress.address, port: ircAddress.port }, metrics: metricsAddress && { host: metricsAddress.address, port: metricsAddress.port }, tls: tls !== undefined, data: dataDir, ...topology }, 'listening');
  // For people, whatever the log level: with --port 0 this is how they learn the ports.
  const [tcpName, httpName] = tls ? ['TCP+TLS', 'HTTPS, WebSocket wss /ws'] : ['TCP', 'HTTP, WebSocket /ws'];
  const ircName = ircAddress ? `, ${ircAddress.address}:${ircAddress.port} (IRC${tls ? ' over TLS' : ''})` : '';
  process.stderr.write(`banter: listening on ${tcpAddress.address}:${tcpAddress.port} (${tcpName}) and ${httpAddress.address}:${httpAddress.port} (${httpName})${ircName}, data in ${dataDir}\n`);

  let stopping: Promise<void> | undefined;
  const stop = (reason?: string): Promise<void> =>
    (stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      const closing = Promise.all([tcp.close(), irc?.close()]);
      // Let appends already queued commit and their replies go out before clients are told.
      await new Promise((r) => setImmediate(r));
      chat.shutdown(reason);
      await Promise.all([closing, http.close(), metricsServer?.close()]);
      await presence.close();
      await bus.close();
      await store.close();
      logger.info('stopped');
    })());

  return { tcpPort: tcpAddress.port, httpPort: httpAddress.port, ircPort: ircAddress?.port, metricsPort: metricsAddress?.port, chat, stop };
}

async function bootstrapAdmin(chat: ChatService, config: ServerConfig, logger: PinoLogger): Promise<void> {
  let admin;
  const ensure = () => chat.accounts.ensureAdmin(config.adminPassword, () => randomBytes(12).toString('base64url'));
  try {
    // Nodes sharing a database may start together: the one that loses the race finds the account.
    admin = await ensure().catch((err: unknown) => (err instanceof DuplicateUserError ? ensure() : Promise.reject(err)));
  } catch (err) {
    throw err instanceof ProtocolError && err.code === 'WEAK_PASSWORD' ? new ConfigError(`BANTER_ADMIN_PASSWORD: ${err.message}`) : err;
  }
  if (admin.password) {
    process.stderr.write(
      `\n  Created the administrator account.\n    user: admin\n    password: ${admin.password}\n` +
        `  It is shown only this once. Set BANTER_ADMIN_PASSWORD to choose it yourself.\n\n`,
    );
  } else if (config.adminPassword) {
    logger.info({ created: admin.created, changed: admin.changed ?? false }, admin.changed ? 'admin password changed from BANTER_ADMIN_PASSWORD: every admin session ended' : 'admin password set from BANTER_ADMIN_PASSWORD');
  }
}

/** Reads --tls-cert and --tls-key (both or neither: loadConfig checks) and checks they make a pair. */
function loadTls(config: ServerConfig): { key: Buffer; cert: Buffer } | undefined {
  if (config.tlsCert === undefined || config.tlsKey === undefined) return undefined;
  const read = (file: string, setting: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError(`cannot read ${setting} ${file}: ${(err as Error).message}`);
    }
  };
  const cert = read(config.tlsCert, 'TLS certificate (--tls-cert / BANTER_TLS_CERT)');
  const key = read(config.tlsKey, 'TLS key (--tls-key / BANTER_TLS_KEY)');
  try {
    createSecureContext({ key, cert });
  } catch (err) {
    throw new ConfigError(`TLS certificate ${config.tlsCert} and key ${config.tlsKey} are not a usable PEM pair: ${(err as Error).message}`);
  }
  return { key, cert };
}

async function openStore(dataDir: string, config: ServerConfig): Promise<Store> {
  try {
    if (config.store === 'sqlite') return new SqliteStore(join(dataDir, 'banter.db'), { synchronous: config.sync, backgroundCheckpoints: true });
    return await PostgresStore.open(config.store);
  } catch (err) {
    if (err instanceof SchemaTooNewError) throw new ConfigError(err.message);
    if (err instanceof StoreUnavailableError) throw new ConfigError(`${err.message} (--store / BANTER_STORE)`);
    if (err instanceof InvalidSchemaNameError) throw new ConfigError(`${err.message} (--store / BANTER_STORE)`);
    throw err;
  }
}

async function openBus(config: ServerConfig, logger: PinoLogger): Promise<{ bus: Bus; presence: Presence }> {
  if (config.bus === 'local') {
    const bus = new LocalBus();
    return { bus, presence: new LocalPresence(bus) };
  }
  try {
    return await openRedis(config.bus, { logger, presenceTtlMs: config.presenceTtl * 1000 });
  } catch (err) {
    if (err instanceof BusUnavailableError || err instanceof InvalidPrefixError) throw new ConfigError(`${err.message} (--bus / BANTER_BUS)`);
    throw err;
  }
}

function coreConfig(c: ServerConfig): CoreConfig {
  return {
    ...DEFAULT_CORE_CONFIG,
    sendRatePerSec: c.sendRate,
    sendBurst: c.sendBurst,
    readRatePerSec: c.readRate,
    readBurst: c.readBurst,
    registerPerHour: c.registerPerHour,
    maxConnections: c.maxConnections,
    loginReserve: c.loginReserve ?? defaultLoginReserve(c.maxConnections),
    loginTimeoutMs: c.loginTimeout * 1000,
    roomQuietSize: c.roomQuietSize,
    maxRoomsOwned: c.maxRoomsOwned,
    maxRoomsJoined: c.maxRoomsJoined,
    pingIntervalMs: c.pingInterval * 1000,
    sessionMaxMs: c.sessionMaxDays * 24 * 3600_000,
  };
}

function prepareDataDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true });
    const probe = join(abs, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw new ConfigError(`data folder ${abs} is not writable (--data / BANTER_DATA): ${(err as Error).message}`);
  }
  return abs;
}

function listenError(err: unknown, host: string, port: number, setting: string): Error {
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE') return new ConfigError(`port ${port} on ${host} is already in use; choose another with ${setting}`);
  if (code === 'EACCES') return new ConfigError(`no permission to listen on port ${port}; choose a port above 1023 with ${setting}`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new ConfigError(`cannot listen on address ${host} (--host / BANTER_HOST): ${code}`);
  return err as Error;
}

/** The host of the default public URL: the listening address, or this machine's name for a wildcard. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return hostname();
  return host.includes(':') ? `[${host}]` : host;
}
