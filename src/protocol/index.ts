export * from './codec.js';
export * from './errors.js';
export * from './framing.js';
export * from './limits.js';
export * from './messages.js';
export * from './mute-text.js';
export * from './names.js';
export * from './stickers.js';
