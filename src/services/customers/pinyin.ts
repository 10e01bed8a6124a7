import { pinyin } from 'pinyin-pro';

/** Search keys of a Chinese name: full pinyin (zhangsan) and initials (zs), lower case, no tones. */
export function pinyinKeys(name: string): { full: string; initials: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true });
  const words = syllables.map((syllable) => syllable.toLowerCase().replace(/[^a-z0-9]/g, '')).filter(Boolean);
  return {
    full: words.join('').slice(0, 300),
    initials: words
      .map((word) => word[0])
      .join('')
      .slice(0, 50),
  };
}
