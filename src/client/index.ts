export { BanterClient, type ClientOptions } from './client.js';
export { BanterError } from './errors.js';
export type { Transport, TransportFactory } from './transport.js';
export { failover } from './failover.js';
export { ChatSession, type Content, type Conversation, type MessageUpdate, type ConnectionState, type SessionEvents, type SessionOptions } from './session.js';
export { Emitter } from './emitter.js';
export { webSocketTransport, type WebSocketConstructor, type WebSocketLike } from './websocket-transport.js';
export { downloadFile, uploadFile, type Progress, type UploadOptions, type UploadedFile } from './files.js';
export { clock, dateTime, formatHostPort, parseHostPort, printable } from './display.js';
export {
  itemTime, mergeItems, messageItem, nthLastMessage, oldestSeq, pendingItem, reactionChips, removeItem, startsDay, startsGroup, systemItem, updateItem,
  type Item, type Tone,
} from './timeline.js';
