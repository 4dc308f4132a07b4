// The 20 stickers of the protocol (src/protocol/stickers.ts), drawn with Twemoji's SVGs
// (@twemoji/svg, graphics CC-BY 4.0 by Twitter, Inc and other contributors; credited in docs/web.md).
import type { StickerName } from '../../../src/protocol/stickers.js';
import thumbsup from '@twemoji/svg/1f44d.svg?url';
import heart from '@twemoji/svg/2764.svg?url';
import laugh from '@twemoji/svg/1f602.svg?url';
import wow from '@twemoji/svg/1f62e.svg?url';
import sad from '@twemoji/svg/1f622.svg?url';
import angry from '@twemoji/svg/1f620.svg?url';
import party from '@twemoji/svg/1f389.svg?url';
import fire from '@twemoji/svg/1f525.svg?url';
import clap from '@twemoji/svg/1f44f.svg?url';
import wave from '@twemoji/svg/1f44b.svg?url';
import thinking from '@twemoji/svg/1f914.svg?url';
import cool from '@twemoji/svg/1f60e.svg?url';
import love from '@twemoji/svg/1f60d.svg?url';
import cry from '@twemoji/svg/1f62d.svg?url';
import ok from '@twemoji/svg/1f44c.svg?url';
import pray from '@twemoji/svg/1f64f.svg?url';
import rocket from '@twemoji/svg/1f680.svg?url';
import coffee from '@twemoji/svg/2615.svg?url';
import cat from '@twemoji/svg/1f431.svg?url';
import snake from '@twemoji/svg/1f40d.svg?url';

export const STICKER_ART: Record<StickerName, string> = {
  thumbsup, heart, laugh, wow, sad, angry, party, fire, clap, wave,
  thinking, cool, love, cry, ok, pray, rocket, coffee, cat, snake,
};
