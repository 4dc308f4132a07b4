/**
 * The IRC gateway: a third transport beside TCP v1 and WebSocket, so that IRC clients (irssi,
 * WeeChat, HexChat, bots) are Banter clients.
 *
 * Design
 * - One IRC connection is one core session. The gateway gives the core an IrcPeer (irc-peer.ts)
 *   and gets back the connection's ClientSession; IRC commands become calls to
 *   `ClientSession.request(op, fields)` — the same shape checks, auth, roles, limits in flight,
 *   mute enforcement, flood control and handlers as a v1 request line. Nothing of the chat is
 *   re-implemented here: a muted user's PRIVMSG is refused by the core's `send`, and the gateway
 *   only says so in IRC (404 + NOTICE).
 * - Events come from the core as typed objects (core/outbound-event.ts), one object handed to
 *   every recipient (IrcPeer.writeEvent). The session (translate.ts) turns them into IRC lines.
 *   The rendering of a message is made once per line style (server-time, message-tags) and
 *   cached on the event (render.ts): one lobby message to any number of IRC clients costs at
 *   most four renderings (and, if it came from another node, one JSON.parse). The parts that
 *   differ per recipient are either the same for everyone who shares an event (the core makes a
 *   private message's event once per recipient user, so the target nick, the recipient's own,
 *   is fixed) or a choice not to send (echo-message, a PART-ed #lobby).
 * - Each command has a table entry (commands/): minimum parameters, whether registration is
 *   needed, whether later lines may overtake it; the session checks these before any handler
 *   (461, 451, 421). Commands run in order, the next line waiting for an async one, except
 *   messages, whose order the core keeps.
 * - Limits as on every transport: the core's idle timeout (PING, then ERROR), connection cap
 *   and send flood control; here also the IRC line limits (512 bytes, 4096 of client tags: 417), a
 *   per-connection command allowance with fake lag and a bounded backlog (Excess Flood), one
 *   bounded outbound queue (SendQ exceeded) and a registration deadline.
 *
 * Mapping: nick = Banter account name (names are already valid IRC nicks but for leading
 * digits and '-', which clients accept; NICK can't change it); #lobby = the lobby, joined at
 * registration; #room = a Banter room (rooms.ts, commands/room-commands.ts, room-events.ts):
 * shown joined while the user is a member, JOIN of an unknown one creates it, its owner is @;
 * PRIVMSG nick = the private conversation "@nick"; Banter admins are channel
 * operators (@) and may KICK, KILL, MODE +b/+q, WALLOPS. Login is PASS (the account's
 * password, nick = account) or SASL PLAIN; REGISTER (draft/account-registration) creates an
 * account. docs/irc.md is the user's guide.
 */
import type net from 'node:net';
import type { ChatService } from '../../core/chat-service.js';
import type { Logger } from '../../core/config.js';
import type { AddressLimits } from '../address-limits.js';
import { SocketListener, socketConduit } from '../socket-listener.js';
import type { GatewayContext } from './context.js';
import { IrcPeer } from './irc-peer.js';
import { IrcLineReader } from './line-reader.js';
import { IrcUsers } from './irc-users.js';
import { ReasonMemory } from './reasons.js';
import { IrcSession } from './session.js';

export interface IrcGatewayOptions {
  host: string;
  port: number;
  maxOutboundBytes: number;
  /** A file's signed download link, absolute (`https://chat.example.org:8080/api/files/…?exp=…&sig=…`). */
  fileLink(id: string): string;
  version: string;
  /** The server name IRC clients see (`:irc.banter 001 …`): --irc-server-name. */
  serverName: string;
  /** PEM key and certificate: IRC over TLS (conventionally port 6697). */
  tls?: { key: Buffer; cert: Buffer };
  /** Open sockets per client address, shared by every port. */
  addresses?: AddressLimits;
}

let nextId = 0;

export class IrcGateway {
  private readonly listener: SocketListener;
  private readonly ctx: GatewayContext;

  constructor(
    chat: ChatService,
    private readonly options: IrcGatewayOptions,
    private readonly logger: Logger,
  ) {
    this.ctx = {
      chat,
      logger,
      serverName: options.serverName,
      fileLink: options.fileLink,
      version: `banter-${options.version}`,
      createdAt: new Date(),
      away: new Map(),
      sessions: new Set(),
      reasons: new ReasonMemory(),
      ircUsers: new IrcUsers(),
    };
    this.listener = new SocketListener({ ...options, label: 'IRC', refusal: Buffer.from('ERROR :Closing Link: too many connections from your address\r\n') }, (socket) => this.accept(socket), logger);
  }

  listen(): Promise<net.AddressInfo> {
    return this.listener.listen();
  }

  get connections(): number {
    return this.listener.connections;
  }

  /** Stops accepting; open connections are the core's to close (shutdown). Resolves when all are gone. */
  close(): Promise<void> {
    return this.listener.close();
  }

  private accept(socket: net.Socket): void {
    // Lines are read only once the session exists (the data handler is added after it).
    const reader = new IrcLineReader((e) => session.onLine(e));
    const peer = new IrcPeer(
      `irc-${++nextId}`,
      socket.remoteAddress ?? 'unknown',
      socketConduit(socket, () => reader.stop()),
      this.options.maxOutboundBytes,
      this.logger,
    );
    // The core may close the connection as soon as it sees it (server full): the reader exists first.
    const session = new IrcSession(this.ctx, peer);
    socket.on('data', (chunk: Buffer) => reader.write(chunk));
    socket.on('error', (err) => this.logger.debug({ peer: peer.id, err: err.message }, 'IRC socket error'));
    socket.on('close', () => {
      reader.stop();
      peer.gone();
    });
  }
}
