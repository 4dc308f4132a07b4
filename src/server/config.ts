import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_MAX_ROOMS_JOINED, DEFAULT_MAX_ROOMS_OWNED } from '../protocol/index.js';
import { redact } from './shared/redact.js';

/**
 * Every server setting in one table: the CLI flags, the environment variables, the config file and
 * docs/configuration.md's table all come from here. Precedence: flag > environment > file > default.
 */
// Numbers come as strings from flags and the environment and as JSON numbers from the file.
// Only plain decimal text counts: "", " ", true or null must not quietly become 0 or 1.
const numeric = (inner: z.ZodNumber) =>
  z.preprocess((v) => (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v), inner);
const port = numeric(z.number({ error: 'expected a port number 0-65535' }).int().min(0).max(65535));
const positive = numeric(z.number({ error: 'expected a positive number' }).positive());
const positiveInt = numeric(z.number({ error: 'expected a positive whole number' }).int().positive());

// A list: comma-separated text from flags and the environment, a JSON array (or text) from the file.
const list = (item: z.ZodType<string>) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter((x) => x !== '') : v),
    z.array(item),
  );
const ipAddress = z.string().refine((v) => isIP(v) !== 0, { error: 'expected IP addresses such as 10.0.0.5,::1' });
// An origin as browsers send it: scheme, host, port if not the default; nothing after.
const origin = z.string().refine(
  (v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v;
    } catch {
      return false;
    }
  },
  { error: 'expected origins such as https://chat.example.org (scheme, host, port; no path, no trailing slash)' },
);

const url = (schemes: string[], fixed: string, example: string) =>
  z.string().refine(
    (v) => {
      if (v === fixed) return true;
      try {
        return schemes.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `expected ${fixed} or a URL like ${example}` },
  );

export const SETTINGS = {
  host: { flag: '--host <addr>', env: 'BANTER_HOST', default: '0.0.0.0', schema: z.string().min(1), describe: 'address to listen on' },
  port: { flag: '--port <n>', env: 'BANTER_PORT', default: 8888, schema: port, describe: 'TCP port of the line protocol (0 picks a free port)' },
  httpPort: { flag: '--http-port <n>', env: 'BANTER_HTTP_PORT', default: 8080, schema: port, describe: 'HTTP port: WebSocket /ws, /healthz, /metrics (0 picks a free port)' },
  ircPort: {
    flag: '--irc-port <n>',
    env: 'BANTER_IRC_PORT',
    default: undefined,
    schema: port.optional(),
    describe: 'IRC gateway port (off unless set; conventionally 6667, or 6697 with TLS; 0 picks a free port)',
  },
  ircServerName: {
    flag: '--irc-server-name <name>',
    env: 'BANTER_IRC_SERVER_NAME',
    default: 'irc.banter',
    // IRC server names look like host names: a dot tells them apart from nicks, and they go
    // unescaped into every line's prefix (no space, colon or control character).
    schema: z.string().max(63).regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, { error: 'expected a host-like name such as irc.example.org' }),
    describe: 'the IRC gateway\'s server name, the source of its numerics and notices',
  },
  publicUrl: {
    flag: '--public-url <url>',
    env: 'BANTER_PUBLIC_URL',
    default: undefined,
    schema: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
    describe: 'how users reach the HTTP port, for file links sent to IRC (default http(s)://<host>:<http-port>)',
  },
  fileLinkDays: {
    flag: '--file-link-days <n>',
    env: 'BANTER_FILE_LINK_DAYS',
    default: 7,
    schema: positive,
    describe: 'days the signed file links sent to IRC keep working (IRC users keep logs)',
  },
  data: { flag: '--data <dir>', env: 'BANTER_DATA', default: './data', schema: z.string().min(1), describe: 'data folder: the SQLite database, uploads' },
  logLevel: {
    flag: '--log-level <level>',
    env: 'BANTER_LOG_LEVEL',
    default: 'info',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    describe: 'fatal, error, warn, info, debug, trace or silent',
  },
  sessionMaxDays: {
    flag: '--session-max-days <n>',
    env: 'BANTER_SESSION_MAX_DAYS',
    default: 90,
    schema: positive,
    describe: 'days a login token works at most, however often it is used (unused, it ends after 30 days)',
  },
  sendRate: { flag: '--send-rate <n>', env: 'BANTER_SEND_RATE', default: 10, schema: positive, describe: 'messages per second one user may keep up' },
  registerPerHour: {
    flag: '--register-per-hour <n>',
    env: 'BANTER_REGISTER_PER_HOUR',
    default: 20,
    schema: positive,
    describe: 'accounts one address may create per hour (and at once)',
  },
  sendBurst: { flag: '--send-burst <n>', env: 'BANTER_SEND_BURST', default: 30, schema: positiveInt, describe: 'messages one user may send at once before the rate applies' },
  readRate: {
    flag: '--read-rate <n>',
    env: 'BANTER_READ_RATE',
    default: 20,
    schema: positive,
    describe: 'reads (history, who, convs, rooms, members) per second one user may keep up; more wait',
  },
  readBurst: { flag: '--read-burst <n>', env: 'BANTER_READ_BURST', default: 60, schema: positiveInt, describe: 'reads one user may make at once before the read rate applies' },
  maxOutboundKib: {
    flag: '--max-outbound-kib <n>',
    env: 'BANTER_MAX_OUTBOUND_KIB',
    default: 4096,
    schema: positiveInt,
    describe: 'KiB queued for one slow client before it is disconnected',
  },
  pingInterval: { flag: '--ping-interval <s>', env: 'BANTER_PING_INTERVAL', default: 30, schema: positive, describe: 'seconds of silence before a ping; twice that and the client is dropped' },
  maxUploadMib: { flag: '--max-upload-mib <n>', env: 'BANTER_MAX_UPLOAD_MIB', default: 100, schema: positive, describe: 'largest file upload accepted, in MiB' },
  uploadQuotaMib: {
    flag: '--upload-quota-mib <n>',
    env: 'BANTER_UPLOAD_QUOTA_MIB',
    default: 1024,
    schema: positive,
    describe: 'total size of the files one user may upload, in MiB',
  },
  uploadsPerMinute: { flag: '--uploads-per-minute <n>', env: 'BANTER_UPLOADS_PER_MINUTE', default: 30, schema: positiveInt, describe: 'file uploads one user may start per minute' },
  uploadsInFlight: {
    flag: '--uploads-in-flight <n>',
    env: 'BANTER_UPLOADS_IN_FLIGHT',
    default: 4,
    schema: positiveInt,
    describe: 'file uploads one user may have running at once (per node)',
  },
  roomQuietSize: {
    flag: '--room-quiet-size <n>',
    env: 'BANTER_ROOM_QUIET_SIZE',
    default: 500,
    schema: positiveInt,
    describe: 'rooms with more members than this get joins and leaves batched, one event per second',
  },
  maxRoomsOwned: {
    flag: '--max-rooms-owned <n>',
    env: 'BANTER_MAX_ROOMS_OWNED',
    default: DEFAULT_MAX_ROOMS_OWNED,
    schema: positiveInt,
    describe: 'rooms one user may own (create or be handed); the administrator has no such cap',
  },
  maxRoomsJoined: {
    flag: '--max-rooms-joined <n>',
    env: 'BANTER_MAX_ROOMS_JOINED',
    default: DEFAULT_MAX_ROOMS_JOINED,
    schema: positiveInt,
    describe: 'rooms one user may be a member of',
  },
  maxConnections: { flag: '--max-connections <n>', env: 'BANTER_MAX_CONNECTIONS', default: 20000, schema: positiveInt, describe: 'open connections accepted at once, TCP, WebSocket and IRC together' },
  loginReserve: {
    flag: '--login-reserve <n>',
    env: 'BANTER_LOGIN_RESERVE',
    default: undefined,
    schema: positiveInt.optional(),
    describe: 'of --max-connections, slots connections that have not logged in may never hold (default 5%, at least 1); when they are all taken the oldest of those is dropped for a newcomer',
  },
  maxConnectionsPerAddress: {
    flag: '--max-connections-per-address <n>',
    env: 'BANTER_MAX_CONNECTIONS_PER_ADDRESS',
    default: 64,
    schema: positiveInt,
    describe: 'open connections from one client address, every port together (TCP, IRC, HTTP and WebSocket)',
  },
  loginTimeout: {
    flag: '--login-timeout <s>',
    env: 'BANTER_LOGIN_TIMEOUT',
    default: 30,
    schema: positive,
    describe: 'seconds a connection may stay without logging in (every transport) before it is closed',
  },
  httpHeadersTimeout: {
    flag: '--http-headers-timeout <s>',
    env: 'BANTER_HTTP_HEADERS_TIMEOUT',
    default: 10,
    schema: positive,
    describe: 'seconds an HTTP client may take to send a request\'s headers (slow senders are cut off)',
  },
  trustedProxies: {
    flag: '--trusted-proxies <addrs>',
    env: 'BANTER_TRUSTED_PROXIES',
    default: undefined,
    schema: list(ipAddress).optional(),
    describe: 'comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (HTTP and WebSocket)',
  },
  allowedOrigins: {
    flag: '--allowed-origins <origins>',
    env: 'BANTER_ALLOWED_ORIGINS',
    default: undefined,
    schema: list(origin).optional(),
    describe: 'comma-separated origins besides the server\'s own whose pages may open a WebSocket, e.g. https://chat.example.org',
  },
  metricsToken: {
    flag: '--metrics-token <token>',
    env: 'BANTER_METRICS_TOKEN',
    default: undefined,
    schema: z.string().min(16, { error: 'expected a token of at least 16 characters' }).optional(),
    describe: 'bearer token that opens /metrics to any address (prefer the environment variable: flags show in ps); without it /metrics answers loopback only',
  },
  metricsPort: {
    flag: '--metrics-port <n>',
    env: 'BANTER_METRICS_PORT',
    default: undefined,
    schema: port.optional(),
    describe: 'serve /metrics on a port of its own (and no longer on the HTTP port)',
  },
  metricsHost: {
    flag: '--metrics-host <addr>',
    env: 'BANTER_METRICS_HOST',
    default: '127.0.0.1',
    schema: z.string().min(1),
    describe: 'address of --metrics-port',
  },
  tlsCert: {
    flag: '--tls-cert <file>',
    env: 'BANTER_TLS_CERT',
    default: undefined,
    schema: z.string().min(1).optional(),
    describe: 'PEM certificate (chain) file: serve TLS on every port (TCP, HTTP, IRC) (needs --tls-key)',
  },
  webRoot: {
    flag: '--web-root <dir>',
    env: 'BANTER_WEB_ROOT',
    // The package's own build of the web client, wherever the package is installed.
    default: new URL('../../../web/dist', import.meta.url).pathname,
    schema: z.string().min(1),
    describe: 'folder of the built web client, served at / on the HTTP port',
  },
  tlsKey: { flag: '--tls-key <file>', env: 'BANTER_TLS_KEY', default: undefined, schema: z.string().min(1).optional(), describe: 'PEM private key file of --tls-cert' },
  store: {
    flag: '--store <url>',
    env: 'BANTER_STORE',
    default: 'sqlite',
    schema: url(['postgres:', 'postgresql:'], 'sqlite', 'postgres://user:password@host:5432/banter'),
    describe: 'sqlite (banter.db in the data folder), or postgres://user:password@host:5432/db[?schema=name] to share one database between nodes',
  },
  bus: {
    flag: '--bus <url>',
    env: 'BANTER_BUS',
    default: 'local',
    schema: url(['redis:', 'rediss:'], 'local', 'redis://host:6379'),
    describe: 'local (in-process), or redis://[:password@]host:6379[/db][?prefix=name] to fan out and track presence across nodes',
  },
  workers: {
    flag: '--workers <n>',
    env: 'BANTER_WORKERS',
    default: 1,
    schema: numeric(z.number({ error: 'expected a whole number 1-256' }).int().min(1).max(256)),
    describe: 'processes sharing the ports on this machine (more than 1 needs --store postgres://… and --bus redis://…)',
  },
  presenceTtl: {
    flag: '--presence-ttl <s>',
    env: 'BANTER_PRESENCE_TTL',
    default: 15,
    schema: positive,
    describe: 'with --bus redis: seconds a node may go without a heartbeat before its users count as offline',
  },
  sync: {
    flag: '--sync <mode>',
    env: 'BANTER_SYNC',
    default: 'full',
    schema: z.enum(['full', 'normal']),
    describe: 'full: every acknowledged message survives power loss; normal: survives a crash of the process',
  },
} as const;

export type SettingName = keyof typeof SETTINGS;
export type ServerConfig = { -readonly [K in SettingName]: z.infer<(typeof SETTINGS)[K]['schema']> } & {
  /** BANTER_ADMIN_PASSWORD: creates or updates the account `admin`. Environment only, never a flag. */
  adminPassword?: string;
  /** Set in --workers children but the first: the first one creates or updates `admin`. */
  skipAdminBootstrap?: boolean;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Builds the configuration from CLI flag values (commander's, by setting name), env and file. */
export function loadConfig(flags: Partial<Record<SettingName, unknown>>, env: NodeJS.ProcessEnv, configFile?: string): ServerConfig {
  const file = configFile ?? env.BANTER_CONFIG;
  const fromFile = file ? readConfigFile(file) : {};
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const [raw, source] =
      flags[name] !== undefined
        ? [flags[name], `flag ${s.flag.split(' ')[0]}`]
        : env[s.env] !== undefined && env[s.env] !== ''
          ? [env[s.env], s.env]
          : fromFile[name] !== undefined
            ? [fromFile[name], `${file}: "${name}"`]
            : [s.default, 'default'];
    const parsed = s.schema.safeParse(raw);
    if (!parsed.success) {
      throw new ConfigError(`invalid ${name} ${redact(JSON.stringify(raw))} (from ${source}): ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    out[name] = parsed.data;
  }
  const config = out as ServerConfig;
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new ConfigError('TLS needs both a certificate and its key: set --tls-cert / BANTER_TLS_CERT and --tls-key / BANTER_TLS_KEY, or neither');
  }
  if (config.workers > 1 && (config.store === 'sqlite' || config.bus === 'local')) {
    throw new ConfigError(
      `--workers ${config.workers} needs a store and a bus the workers share: set --store / BANTER_STORE to a postgres:// URL and --bus / BANTER_BUS to a redis:// URL (or use --workers 1)`,
    );
  }
  if (config.loginReserve !== undefined && config.loginReserve >= config.maxConnections) {
    throw new ConfigError(`--login-reserve ${config.loginReserve} must be less than --max-connections ${config.maxConnections}`);
  }
  if (env.BANTER_ADMIN_PASSWORD) config.adminPassword = env.BANTER_ADMIN_PASSWORD;
  return config;
}

function readConfigFile(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`config file ${file} must hold a JSON object`);
  const unknown = Object.keys(value).filter((k) => !(k in SETTINGS));
  if (unknown.length > 0) throw new ConfigError(`config file ${file}: unknown setting ${unknown.join(', ')}; known: ${Object.keys(SETTINGS).join(', ')}`);
  return value as Record<string, unknown>;
}
