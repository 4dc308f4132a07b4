import { describe, expect, it } from 'vitest';
import { isVoiceNote } from '../app/fun-api.js';
import { dayLabel, formatSize, initial, peerOf } from './format.js';

describe('formatting', () => {
  it('sizes', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1023)).toBe('1023 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(300 * 1024)).toBe('300 KB');
    expect(formatSize(8 * 1024 * 1024)).toBe('8.0 MB');
  });
  it('initials take a whole code point', () => {
    expect(initial('小明')).toBe('小');
    expect(initial('😀x')).toBe('😀');
    expect(initial('bob')).toBe('B');
  });
  it('conversations', () => {
    expect(peerOf('@Bob')).toBe('Bob');
    expect(peerOf('#lobby')).toBeUndefined();
  });
  it('voice notes are audio, or WebM/MP4 named voice-*', () => {
    expect(isVoiceNote('x.ogg', 'audio/ogg')).toBe(true);
    expect(isVoiceNote('voice-2026.webm', 'video/webm')).toBe(true);
    expect(isVoiceNote('holiday.webm', 'video/webm')).toBe(false);
    expect(isVoiceNote('voice-x.exe', 'application/octet-stream')).toBe(false);
  });
  it('day labels', () => {
    const now = new Date(2026, 4, 20, 15, 0).getTime();
    const words = { today: 'Today', yesterday: 'Yesterday' };
    expect(dayLabel(new Date(2026, 4, 20, 0, 5).getTime(), 'en', words, now)).toBe('Today');
    expect(dayLabel(new Date(2026, 4, 19, 23, 55).getTime(), 'en', words, now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 4, 1, 12).getTime(), 'en-US', words, now)).toBe('Friday, May 1, 2026');
  });
});
